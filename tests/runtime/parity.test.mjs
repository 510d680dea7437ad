// One scorer: the same answers, fed to the browser runtime (in Chromium, via
// the harness and scorm-again) and to the C scorer the player uses
// (src/score.c, through build/tests/tools/cp_score reading the same
// index.html with page_read), give the same score, the same status and the
// same result for every item -- questions nested in `only` blocks, pages and
// blocks hidden by role or setting, partial scenario endings included.
//
// The browser's side is what the LMS stored at the end (score.raw, status)
// and what the page shows for each item (a question's cp-right / cp-wrong, the
// ending a scenario reached); the C side is cp_score's JSON.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as H from './harness.mjs';

const T = { timeout: 240000 };
const BUILD = join(H.REPO, process.env.BUILD || 'build');
const TOOL = join(BUILD, 'coursepack');
const SCORER = join(BUILD, 'tests', 'tools', 'cp_score');
const dirs = [];
let browser, server;
const built = new Map();    // module folder -> { zips } or { error }

before(async () => { browser = await H.launchBrowser(); server = await H.startServer(); });
after(async () => {
    if (browser) { await H.closePool(browser); await browser.close(); }
    await server?.close();
    dirs.forEach(H.removeDir);
});

function packageOf(moduleDir, lang, edition) {
    if (!existsSync(TOOL)) assert.fail(`${TOOL} is missing: run make first`);
    if (!existsSync(SCORER)) assert.fail(`${SCORER} is missing: run make test (it builds tests/tools/)`);
    if (!built.has(moduleDir)) {
        const out = H.tempDir('parity');
        dirs.push(out);
        const r = spawnSync(TOOL, ['build', moduleDir, '-o', out], { encoding: 'utf8', timeout: 120000 });
        built.set(moduleDir, r.status === 0 ? { out, zips: readdirSync(out) }
            : { error: `coursepack build ${moduleDir} failed:\n${r.stderr}${r.stdout}` });
    }
    const b = built.get(moduleDir);
    if (b.error) assert.fail(b.error);
    const name = b.zips.find((z) => z.includes(`.${lang}.scorm${edition}.zip`)) ||
        b.zips.find((z) => z.endsWith(`.scorm${edition}.zip`));
    const p = H.openZip(join(b.out, name));
    dirs.push(p.dir);
    return p;
}

/* What the page shows for every item shown to this learner. */
async function pageResults(frame) {
    return frame.evaluate(() => {
        const shown = (el) => {
            const sec = el.closest('section.cp-page');
            if (!sec || sec.classList.contains('cp-excluded')) return false;
            for (let e = el; e && e !== sec; e = e.parentElement) if (e.hidden) return false;
            return true;
        };
        const out = {};
        for (const q of document.querySelectorAll('form.cp-question')) {
            if (!shown(q)) continue;
            out[q.getAttribute('data-cp-question')] = q.classList.contains('cp-right') ? 'correct'
                : q.classList.contains('cp-wrong') ? 'wrong' : 'unanswered';
        }
        for (const s of document.querySelectorAll('.cp-scenario')) {
            if (!shown(s)) continue;
            const end = [...s.querySelectorAll('.cp-step.cp-end')].find((e) => !e.hidden);
            const kind = end && end.getAttribute('data-cp-end');
            out[s.getAttribute('data-cp-scenario')] = !end ? 'unanswered'
                : s.getAttribute('data-cp-scored') !== 'true' || !kind ? 'neutral' : kind;
        }
        return out;
    });
}

function cScore(pkg, who, items) {
    const answers = items.map((it) => `${it.id}=${it.pick.join('')}`);
    const r = spawnSync(SCORER, [join(pkg.dir, 'index.html'), who.role || '-', who.setting || '-', ...answers],
        { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, `cp_score failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
}

/* Plays the module answering `items`, to the summary; returns the problems. */
async function parity(pkg, who, items) {
    const s = await H.launch(browser, server, pkg);
    let shownResults, st;
    try {
        const walk = await H.learn(s, items, { who });
        assert.equal(walk.visited[walk.visited.length - 1], '_summary', `the learner stopped on ${walk.visited.at(-1)}`);
        shownResults = await pageResults(s.frame);
        await s.close();
        st = await s.lms();
        assert.deepEqual(s.consoleErrors, []);
    } finally {
        await s.dispose();
    }
    const c = cScore(pkg, who, items);
    const v = H.stored(st, pkg.edition);
    const problems = [];
    const raw = v.raw === '' ? null : Number(v.raw);
    const craw = c.raw === null ? null : Number(c.raw);
    if (raw !== craw) problems.push(`score: the browser reported ${JSON.stringify(v.raw)}, the C scorer gives ${c.raw}`);
    if (pkg.edition === '12') {
        if (v.status !== c.lesson) problems.push(`lesson_status: browser "${v.status}", C "${c.lesson}"`);
    } else {
        if (v.completion !== c.completion) problems.push(`completion_status: browser "${v.completion}", C "${c.completion}"`);
        if ((v.success || 'unknown') !== c.success) problems.push(`success_status: browser "${v.success}", C "${c.success}"`);
    }
    for (const id of new Set([...Object.keys(shownResults), ...Object.keys(c.items)])) {
        if (shownResults[id] !== c.items[id]) {
            problems.push(`${id}: the browser shows ${shownResults[id] ?? 'nothing (not shown)'}, the C scorer says ${c.items[id] ?? 'nothing (not shown)'}`);
        }
    }
    return { problems, c, browser: { raw, status: v, items: shownResults } };
}

const FIXTURE = join(H.REPO, 'tests', 'fixtures', 'scoring-module');

describe('browser runtime and C scorer agree on the scoring fixture', { concurrency: 2 }, () => {
    const cases = [
        // nested question for physicians, chief-only page and question hidden, a partial ending
        { ed: '2004', who: { role: 'physician', setting: 'ed' }, how: 'right', picks: { 'q-open': 'wrong', 'sc-night': 'partial' },
          want: { raw: 40, items: { 'q-open': 'wrong', 'q-physician-nested': 'correct', 'sc-night': 'partial', 'sc-chat': 'neutral' } } },
        // chief in imaging: the nested question for chiefs, the chief page, the nested scenario for imaging
        { ed: '12', who: { role: 'chief', setting: 'imaging' }, how: 'right',
          picks: { 'q-chief-nested': 'wrong', 'sc-night': 'partial', 'sc-imaging': 'partial' },
          want: { raw: 55, items: { 'q-open': 'correct', 'q-chief-nested': 'wrong', 'q-chief-page': 'correct',
                                    'sc-night': 'partial', 'sc-imaging': 'partial', 'sc-chat': 'neutral' } } },
        { ed: '12', who: { role: 'chief', setting: 'ed' }, how: 'right', picks: {}, want: { raw: 100 } },
        // all wrong, but the nested imaging scenario has no wrong ending: its partial one, 0.5 of 6
        { ed: '2004', who: { role: 'physician', setting: 'imaging' }, how: 'wrong', picks: {},
          want: { raw: 8.33, items: { 'q-open': 'wrong', 'q-physician-nested': 'wrong', 'sc-night': 'wrong',
                                      'sc-imaging': 'partial', 'sc-chat': 'neutral' } } },
    ];
    for (const k of cases) {
        test(`SCORM ${k.ed}, ${k.who.role}/${k.who.setting}, answers ${k.how} ${JSON.stringify(k.picks)}`, T, async () => {
            const pkg = packageOf(FIXTURE, 'en', k.ed);
            const s = await H.launch(browser, server, pkg);
            const mod = await H.readModule(s.frame);
            await s.close();
            await s.dispose();
            const items = H.planWith(mod, k.who, k.how, k.picks);
            const r = await parity(pkg, k.who, items);
            H.assertNoProblems(assert, r.problems, 'browser and C scorer');
            // and both are what the module's weights say
            assert.equal(r.c.raw === null ? null : Number(r.c.raw), k.want.raw);
            if (k.want.items) assert.deepEqual(r.c.items, k.want.items);
        });
    }
});

describe('browser runtime and C scorer agree on every course module (mixed answers)', { concurrency: 2 }, () => {
    const courses = join(H.REPO, 'courses');
    const modules = existsSync(courses)
        ? readdirSync(courses).filter((m) => existsSync(join(courses, m, 'module.xml'))).sort() : [];
    modules.forEach((m, i) => {
        const ed = i % 2 ? '12' : '2004';
        test(`${m} (SCORM ${ed}): mixed answers`, T, async () => {
            const pkg = packageOf(join(courses, m), i % 2 ? 'en' : 'fr', ed);
            const s = await H.launch(browser, server, pkg);
            const mod = await H.readModule(s.frame);
            await s.close();
            await s.dispose();
            const who = { role: mod.roles[0] || null, setting: mod.settings[0] || null };
            const r = await parity(pkg, who, H.plan(mod, who, 'mixed'));
            H.assertNoProblems(assert, r.problems, `${m}: browser and C scorer`);
        });
    });
});
