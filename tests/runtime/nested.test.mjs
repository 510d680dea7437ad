// A question inside an `only` block (docs/authoring.md 4.6 allows it; no
// course module has one yet), in real packages: a copy of
// courses/example-module with one weighted question added in an `only` block
// for the first role, built by $BUILD/coursepack, played with mixed answers
// (the nested question answered wrong). The score the LMS records must count
// it: a scorer that leaves nested questions out records a higher score.
// Found missing by a mutant (tools/mutants/nested-question-ignored-js).

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as H from './harness.mjs';
import * as R from './runs.mjs';

const T = { timeout: 300000 };
const tool = join(H.REPO, process.env.BUILD || 'build', 'coursepack');
const source = join(H.REPO, 'courses', 'example-module');
const dirs = [];
let browser, server;
before(async () => { browser = await H.launchBrowser(); server = await H.startServer(); });
after(async () => {
    if (browser) { await H.closePool(browser); await browser.close(); }
    await server?.close();
    dirs.forEach(H.removeDir);
});

// The question added at the end of the check page, for the first role only.
const NESTED = {
    fr: ['Qui décide de la priorité du patient ?', 'Les soignants.', 'Oui : l’outil propose.',
         'L’outil.', 'Non : il propose seulement.'],
    en: ['Who decides the patient’s priority?', 'The clinicians.', 'Yes: the tool suggests.',
         'The tool.', 'No: it only suggests.'],
};
function withNestedQuestion(dir, lang, role) {
    const page = join(dir, `03-check.${lang}.md`);
    assert.ok(existsSync(page), `${page} is missing: retarget this test (courses/example-module changed)`);
    const [prompt, right, why, wrong, whyNot] = NESTED[lang];
    writeFileSync(page, `${readFileSync(page, 'utf8').trimEnd()}\n\n` +
        `\`\`\`\`only roles=${role}\n` +
        '```question id=q-nested-only type=single weight=3\n' +
        `${prompt}\n\n- [x] ${right}\n  > ${why}\n- [ ] ${wrong}\n  > ${whyNot}\n` +
        '```\n````\n');
}

function build() {
    if (!existsSync(tool) || !existsSync(join(source, 'module.xml'))) return { why: `no ${tool} or no ${source}` };
    const mod = H.tempDir('nested-src');
    const out = H.tempDir('nested-dist');
    dirs.push(mod, out);
    cpSync(source, mod, { recursive: true });
    const role = /<role id="([^"]+)"/.exec(readFileSync(join(mod, 'module.xml'), 'utf8'))?.[1];
    assert.ok(role, 'courses/example-module has no role: retarget this test');
    for (const lang of ['fr', 'en']) withNestedQuestion(mod, lang, role);
    const r = spawnSync(tool, ['build', mod, '-o', out, '--lang', 'en'], { encoding: 'utf8', timeout: 120000 });
    return { out, status: r.status, msg: `${r.stderr || ''}${r.stdout || ''}`.trim() };
}

const built = build();
for (const ed of ['12', '2004']) {
    test(`SCORM ${ed}: a wrong answer to a question in an only block lowers the recorded score`, T, async (t) => {
        if (built.why) { t.skip(built.why); return; }
        assert.equal(built.status, 0, `coursepack build of the module with a nested question:\n${built.msg}`);
        const pkg = H.openZip(join(built.out, `example-module.en.scorm${ed}.zip`));
        dirs.push(pkg.dir);
        const r = await R.completeRun(browser, server, pkg, 'mixed');
        const nested = r.items.find((i) => i.id === 'q-nested-only');
        assert.ok(nested, 'the nested question was not offered to the first role');
        assert.equal(nested.ok, false, 'the nested question must be answered wrong for this test to mean something');
        H.assertNoProblems(assert, r.problems, `SCORM ${ed} with a nested question`);
    });
}
