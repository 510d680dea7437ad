// What an LMS records at every moment of an attempt, in the LMSs our
// packages meet: scorm-again (the reference), Moodle's documented SCORM
// behaviours (1.2 comments appended, 1.2 "mastery score overrides status"),
// and an LMS that keeps what the last commit before the window closed said.
// Each test asserts every snapshot the LMS stored, not only the last one:
// an LMS administrator's report shows whatever the last commit said.
//
// The module is tests/fixtures/scoring-module (built here by coursepack):
// questions nested in `only` blocks, a page for heads of department, a
// scenario with correct/partial/wrong endings, two reflections. The learner
// is a physician in the emergency department: 5 points are theirs (q-open 2,
// q-physician-nested 1, sc-night 2), the pass mark is 60.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as H from './harness.mjs';

const T = { timeout: 240000 };
const FIXTURE = join(H.REPO, 'tests', 'fixtures', 'scoring-module');
const WHO = { role: 'physician', setting: 'ed' };
const dirs = [];
let browser, server, zips = null, buildError = null;

before(async () => {
    const tool = join(H.REPO, process.env.BUILD || 'build', 'coursepack');
    if (!existsSync(tool)) buildError = `${tool} is missing: run make first`;
    else {
        const out = H.tempDir('attempts');
        dirs.push(out);
        const r = spawnSync(tool, ['build', FIXTURE, '-o', out], { encoding: 'utf8', timeout: 120000 });
        if (r.status !== 0) buildError = `coursepack build ${FIXTURE} failed:\n${r.stderr}${r.stdout}`;
        else zips = Object.fromEntries(readdirSync(out).map((f) => [f, join(out, f)]));
    }
    browser = await H.launchBrowser();
    server = await H.startServer();
});
after(async () => {
    if (browser) { await H.closePool(browser); await browser.close(); }
    await server?.close();
    dirs.forEach(H.removeDir);
});

function pkg(edition, lang = 'en') {
    if (buildError) assert.fail(buildError);
    const p = H.openZip(zips[`scoring-module.${lang}.scorm${edition}.zip`]);
    dirs.push(p.dir);
    return p;
}

const problems = (list, what) => `${what}:\n  - ${list.join('\n  - ')}`;

for (const ed of ['12', '2004']) {
    describe(`SCORM ${ed}`, { concurrency: 2 }, () => {
        for (const who of ['scorm-again', 'moodle']) {
            test(`open and close at once (${who}, last commit before the window closes): nothing completed, no score, exit suspend`, T, async () => {
                const p = pkg(ed);
                const lms = H.personality(who, p, { lastCommit: true });
                const s = await H.launch(browser, server, p, { personality: lms });
                try {
                    await s.close();
                    const st = await s.lms();
                    assert.deepEqual(H.checkRecords(st, ed), [], problems(H.checkRecords(st, ed), lms.name));
                    const v = H.stored(st, ed);
                    if (ed === '12') assert.equal(v.status, 'incomplete');
                    else assert.equal(v.completion, 'incomplete');
                    assert.deepEqual(s.consoleErrors, []);
                } finally {
                    await s.dispose();
                }
            });
        }

        test('open and close at once, LMSFinish/Terminate reaches the LMS: incomplete, exit suspend', T, async () => {
            const p = pkg(ed);
            const s = await H.launch(browser, server, p, { personality: H.personality('moodle', p) });
            try {
                await s.close();
                const st = await s.lms();
                H.assertNoProblems(assert, H.checkCalls(st, ed, { closed: true }), 'calls');
                H.assertNoProblems(assert, H.checkRecords(st, ed), 'records');
                assert.equal(st.records[st.records.length - 1].fn, ed === '12' ? 'LMSFinish' : 'Terminate');
            } finally {
                await s.dispose();
            }
        });

        test('leave mid-way with answers below the pass mark, then resume and finish (Moodle): no interim score or verdict, then one final result', T, async () => {
            const p = pkg(ed);
            const lms = H.personality('moodle', p);
            let items, first;
            const s1 = await H.launch(browser, server, p, { personality: lms });
            try {
                const mod = await H.readModule(s1.frame);
                items = H.planWith(mod, WHO, 'right', { 'q-open': 'wrong', 'sc-night': 'partial' });
                const walk = await H.learn(s1, items, { who: WHO, stopAt: '03-night' });
                assert.deepEqual(walk.answered.sort(), ['q-open', 'q-physician-nested', 'sc-night']);
                await s1.close();
                first = await s1.lms();
                H.assertNoProblems(assert, H.checkCalls(first, ed, { closed: true }), 'first session calls');
                // 2 of 5 points answered mid-way is 40 %, under the pass mark of 60: an
                // interim score makes Moodle 1.2 turn "incomplete" into "failed" at LMSFinish.
                H.assertNoProblems(assert, H.checkRecords(first, ed), `first session, ${lms.name}`);
                assert.deepEqual(s1.consoleErrors, []);
            } finally {
                await s1.dispose();
            }
            const s2 = await H.launch(browser, server, p, { personality: lms, flat: H.keptData(first, ed) });
            try {
                assert.equal(await H.currentPage(s2.frame), '03-night', 'resumed on the page left');
                await H.learn(s2, items, { who: WHO });
                await s2.close();
                const second = await s2.lms();
                H.assertNoProblems(assert, H.checkCalls(second, ed, { closed: true }), 'second session calls');
                // q-open wrong (0 of 2), q-physician-nested right (1), sc-night partial (1 of 2): 40 %
                H.assertNoProblems(assert, H.checkRecords(second, ed, {
                    doneAt: 'next from _references', outcome: { verdict: 'failed', raw: 40 } }), `second session, ${lms.name}`);
                assert.deepEqual(s2.consoleErrors, []);
            } finally {
                await s2.dispose();
            }
        });

        for (const who of ['scorm-again', 'moodle']) {
            test(`two reflections (${who}): the LMS holds each once, and both come back on resume`, T, async () => {
                const p = pkg(ed);
                const lms = H.personality(who, p);
                const text = (id) => `My answer to ${id}.`;
                let first;
                const s1 = await H.launch(browser, server, p, { personality: lms });
                try {
                    const mod = await H.readModule(s1.frame);
                    await H.learn(s1, H.plan(mod, WHO, 'right'), { who: WHO, reflect: text });
                    await s1.close();
                    first = await s1.lms();
                    H.assertNoProblems(assert, H.checkCalls(first, ed, { closed: true }), 'calls');
                    if (ed === '12') {
                        // Every snapshot holds each reflection saved so far, once.
                        const seen = first.records.map((r) => H.storedView(r.data, ed).comments);
                        for (const c of seen) {
                            assert.ok(['', '[r-first] My answer to r-first.',
                                '[r-first] My answer to r-first.\n[r-second] My answer to r-second.'].includes(c),
                            `${lms.name} stored cmi.comments = ${JSON.stringify(c)}`);
                        }
                        assert.equal(seen[seen.length - 1], '[r-first] My answer to r-first.\n[r-second] My answer to r-second.');
                    } else {
                        const f = first.flat;
                        assert.equal(String(f['cmi.comments_from_learner._count'] ?? Object.keys(f).filter((k) => /^cmi\.comments_from_learner\.\d+\.comment$/.test(k)).length), '2');
                    }
                } finally {
                    await s1.dispose();
                }
                const s2 = await H.launch(browser, server, p, { personality: lms, flat: H.keptData(first, ed) });
                try {
                    const shown = await s2.frame.evaluate(() => [...document.querySelectorAll('form.cp-reflection')].map((f) => [
                        f.getAttribute('data-cp-reflection'), f.querySelector('textarea').value, f.querySelector('textarea').readOnly]));
                    assert.deepEqual(shown, [['r-first', 'My answer to r-first.', true], ['r-second', 'My answer to r-second.', true]]);
                    await s2.close();
                    const second = await s2.lms();
                    if (ed === '12') assert.equal(H.stored(second, ed).comments, '[r-first] My answer to r-first.\n[r-second] My answer to r-second.');
                    assert.deepEqual([...s1.consoleErrors, ...s2.consoleErrors], []);
                } finally {
                    await s2.dispose();
                }
            });
        }

        test('finish every page and item, then the window closes before LMSFinish/Terminate reaches the LMS: the last commit already holds the result', T, async () => {
            const p = pkg(ed);
            const lms = H.personality('moodle', p, { lastCommit: true });
            const s = await H.launch(browser, server, p, { personality: lms });
            try {
                const mod = await H.readModule(s.frame);
                const items = H.plan(mod, WHO, 'right');
                const walk = await H.learn(s, items, { who: WHO });
                assert.equal(walk.visited[walk.visited.length - 1], '_summary');
                await s.close();
                const st = await s.lms();
                H.assertNoProblems(assert, H.checkRecords(st, ed, {
                    doneAt: 'next from _references', outcome: { verdict: 'passed', raw: 100 } }), lms.name);
                const v = H.stored(st, ed);
                assert.equal(ed === '12' ? v.status : v.success, 'passed');
                assert.equal(Number(v.raw), 100);
            } finally {
                await s.dispose();
            }
        });
    });
}
