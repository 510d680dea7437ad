// Our cmi5 packages in a cmi5 LMS (cmi5-lms.mjs, written from the spec's LMS
// requirements) whose LRS is Learning Locker's statement service: the
// statements must be accepted, and their order and content must follow the
// spec's AU requirements at every moment of an attempt, not only at the end.
//
// The module is tests/fixtures/scoring-module built as cmi5 by coursepack:
// the learner is a physician in the emergency department; 5 points are
// theirs (q-open 2, q-physician-nested 1, sc-night 2), the pass mark 60 %
// (masteryScore 0.6). Before every learner action the test reads what the
// LRS holds for the registration: nothing completed, passed or failed may be
// there before the learner reaches the end, and from that action on the
// result must be there, before the window closes.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as H from './harness.mjs';
import { startLrs, startLms, checkAu, verbOf, CMI5, seconds } from './cmi5-lms.mjs';

const T = { timeout: 300000 };
const FIXTURE = join(H.REPO, 'tests', 'fixtures', 'scoring-module');
const WHO = { role: 'physician', setting: 'ed' };
const DONE = 'next from _references';        // the action that reaches the end (the summary)
const dirs = [];
let browser, lrs, lms, built = null, setupError = null;

function unzip(zip) {
    const dir = H.tempDir('cmi5');
    dirs.push(dir);
    execFileSync('unzip', ['-q', '-o', zip, '-d', dir], { timeout: 30000 });
    return dir;
}

before(async () => {
    const tool = join(H.REPO, process.env.BUILD || 'build', 'coursepack');
    try {
        if (!existsSync(tool)) throw new Error(`${tool} is missing: run make first`);
        const out = H.tempDir('cmi5-build');
        dirs.push(out);
        let r = spawnSync(tool, ['build', FIXTURE, '-o', out, '--format', 'cmi5', '-q'], { encoding: 'utf8', timeout: 120000 });
        if (r.status !== 0) throw new Error(`coursepack build --format cmi5 ${FIXTURE} failed:\n${r.stderr}`);
        r = spawnSync(tool, ['build', '--curriculum', join(H.REPO, 'courses', 'curriculum.txt'), '--lang', 'en', '-o', out, '-q'],
                      { encoding: 'utf8', timeout: 300000 });
        if (r.status !== 0) throw new Error(`coursepack build --curriculum failed:\n${r.stderr}`);
        built = Object.fromEntries(readdirSync(out).map((f) => [f, join(out, f)]));
        lrs = await startLrs();
        lms = await startLms(lrs);
    } catch (e) {
        setupError = e.message;
    }
    browser = await H.launchBrowser();
});
after(async () => {
    if (browser) await browser.close();
    await lms?.close();
    lrs?.stop();
    dirs.forEach(H.removeDir);
});

function course(name = 'scoring-module.en.cmi5.zip') {
    if (setupError) assert.fail(setupError);
    return lms.import(unzip(built[name]));
}

/* Launches the AU in a frame of the LMS's page, like an LMS that chooses the
 * window (launchMethod AnyWindow). Before every learner action (mark), what
 * the LRS holds for the registration is read. */
async function open(c, au, who, opts = {}) {
    const s = await lms.launch(c, au, who, opts);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    context.setDefaultTimeout(H.WAIT);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`uncaught ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error ${m.text()}`); });
    await page.goto(`${lms.base}/lms/host.html`, { waitUntil: 'load', timeout: 15000 });
    await page.evaluate((url) => {
        const f = document.createElement('iframe');
        f.id = 'au';
        f.src = url;
        document.body.appendChild(f);
    }, s.url);
    const frame = await (await page.waitForSelector('#au', { timeout: 15000 })).contentFrame();
    await frame.waitForLoadState('load', { timeout: 15000 });
    // ready: the runtime wrote the progress line (the LMS has answered by then)
    await frame.waitForFunction(() => (document.querySelector('.cp-progress')?.textContent || '') !== '',
                                null, { timeout: H.WAIT, polling: 50 });
    const marks = [];
    const stored = async () => (await lms.statementsOf(who.registration))
        .filter((st) => st.object.id === au.activityId || st.context?.contextActivities?.parent?.some((a) => a.id === au.activityId));
    return {
        s, page, frame, scoPage: page, marks, errors,
        async mark(what) { marks.push({ what, t: Date.now(), verbs: (await stored()).map(verbOf) }); },
        stored,
        /* the learner leaves: the frame goes away (pagehide) */
        async close() {
            await page.evaluate(() => document.getElementById('au')?.remove());
            await waitFor(() => s.received.some((r) => verbOf(r.statement) === 'terminated'), 'terminated reaches the LMS');
        },
        async dispose() { await context.close().catch(() => {}); },
    };
}

async function waitFor(cond, what, ms = H.WAIT) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
        if (await cond()) return;
        await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
}

const problems = (list, what) => `${what}:\n  - ${list.join('\n  - ')}`;
const ofSession = (list, s) => list.filter((st) => st.context?.extensions?.[CMI5.session] === s.id);
const auVerbs = (list, s) => ofSession(list, s).map(verbOf).filter((v) => !['launched', 'abandoned', 'satisfied'].includes(v));
const JUDGED = ['completed', 'passed', 'failed'];

/* Nothing judged in the LRS at any mark before `doneAt` (null: never), and
 * the result there at the first mark after it, if any. */
function checkMoments(marks, doneAt) {
    const p = [];
    const at = doneAt ? marks.findIndex((m) => m.what === doneAt) : marks.length;
    if (doneAt && at < 0) p.push(`the learner never did "${doneAt}"`);
    marks.forEach((m, i) => {
        const judged = m.verbs.filter((v) => JUDGED.includes(v));
        if (i <= at && judged.length) p.push(`before "${m.what}" the LRS already held ${judged.join(', ')}: a verdict before the end`);
    });
    return p;
}

describe('cmi5: the scoring module in a cmi5 LMS, Learning Locker as the LRS', { concurrency: 1 }, () => {
    test('open and close at once: initialized and terminated only, nothing completed; launch data, preferences and the token read once', T, async () => {
        const c = course();
        const who = lms.learner('open-close');
        const run = await open(c, c.aus[0], who, { preferences: { languagePreference: 'fr-FR,en-US', audioPreference: 'off' } });
        try {
            await run.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(checkAu(all, c.aus[0], [run.s]), [], problems(checkAu(all, c.aus[0], [run.s]), 'AU requirements'));
            assert.deepEqual(auVerbs(all, run.s), ['initialized', 'terminated']);
            assert.deepEqual(all.map(verbOf).filter((v) => v === 'satisfied'), []);
            const term = all.find((st) => verbOf(st) === 'terminated');
            assert.equal(term.result.extensions?.[CMI5.progress], 0, 'terminated says how far the learner got: 0 %');
            const reqs = lms.log.filter((l) => l.session === run.s.id);
            assert.ok(reqs.some((l) => l.method === 'GET' && l.stateId === 'LMS.LaunchData' && l.status === 200), 'LMS.LaunchData read');
            assert.ok(reqs.some((l) => l.method === 'GET' && l.profileId === 'cmi5LearnerPreferences'), 'learner preferences read (11.0)');
            assert.deepEqual(run.s.fetches, ['POST']);
            assert.deepEqual(lms.violations, []);
            assert.deepEqual(run.errors, []);
        } finally {
            await run.dispose();
        }
    });

    test('leave mid-way below the pass mark, then resume in the same registration and finish: no verdict until the end, then completed and failed once', T, async () => {
        const c = course();
        const au = c.aus[0];
        const who = lms.learner('mid-way');
        let items;
        const r1 = await open(c, au, who);
        try {
            const mod = await H.readModule(r1.frame);
            items = H.planWith(mod, WHO, 'right', { 'q-open': 'wrong', 'sc-night': 'partial' });
            const walk = await H.learn(r1, items, { who: WHO, stopAt: '03-night' });
            assert.deepEqual(walk.answered.sort(), ['q-open', 'q-physician-nested', 'sc-night']);
            await r1.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(checkMoments(r1.marks, null), [], problems(checkMoments(r1.marks, null), 'first session'));
            const verbs = auVerbs(all, r1.s);
            assert.equal(verbs[0], 'initialized');
            assert.equal(verbs[verbs.length - 1], 'terminated');
            assert.deepEqual(verbs.filter((v) => JUDGED.includes(v)), [], 'nothing judged mid-way');
            const answered = ofSession(all, r1.s).filter((st) => verbOf(st) === 'answered');
            assert.deepEqual(answered.map((st) => st.object.id.split('/').pop()).filter((id) => !id.startsWith('r-')).sort(),
                ['q-open', 'q-physician-nested', 'sc-night']);
            const q = answered.find((st) => st.object.id.endsWith('/q-open'));
            assert.equal(q.result.success, false);
            assert.equal(q.object.definition.type, 'http://adlnet.gov/expapi/activities/cmi.interaction');
            assert.equal(answered.find((st) => st.object.id.endsWith('/sc-night')).result.success, undefined, 'a partial ending is neither right nor wrong');
            const term = ofSession(all, r1.s).find((st) => verbOf(st) === 'terminated');
            const progress = term.result.extensions?.[CMI5.progress];
            assert.ok(progress > 0 && progress < 100, `progress ${progress} between 0 and 100`);
            assert.deepEqual(r1.errors, []);
        } finally {
            await r1.dispose();
        }
        const r2 = await open(c, au, who);
        try {
            assert.equal(await H.currentPage(r2.frame), '03-night', 'resumed on the page left');
            const shown = await H.shownAnswers(r2.frame);
            assert.deepEqual(shown['q-open'], { checked: items.find((i) => i.id === 'q-open').pick, disabled: true });
            await H.learn(r2, items, { who: WHO });
            await r2.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(checkAu(all, au, [r1.s, r2.s]), [], problems(checkAu(all, au, [r1.s, r2.s]), 'AU requirements'));
            assert.deepEqual(checkMoments(r2.marks, DONE), [], problems(checkMoments(r2.marks, DONE), 'second session'));
            const verbs = auVerbs(all, r2.s);
            assert.deepEqual(verbs.filter((v) => v !== 'answered'), ['initialized', 'completed', 'failed', 'terminated']);
            const failed = all.find((st) => verbOf(st) === 'failed');
            // q-open wrong (0 of 2), q-physician-nested right (1), sc-night partial (1 of 2): 40 %
            assert.deepEqual(failed.result.score, { scaled: 0.4, raw: 40, min: 0, max: 100 });
            assert.equal(failed.context.extensions[CMI5.mastery], 0.6);
            const doneMark = r2.marks.find((m) => m.what === DONE);
            for (const v of ['completed', 'failed'])
                assert.ok(Date.parse(all.find((st) => verbOf(st) === v).timestamp) >= doneMark.t - 50, `${v} after the learner reached the end`);
            // the attempt's time: both sessions
            const completed = all.find((st) => verbOf(st) === 'completed');
            const s1 = seconds(ofSession(all, r1.s).find((st) => verbOf(st) === 'terminated').result.duration);
            assert.ok(seconds(completed.result.duration) >= s1, `completed's duration ${completed.result.duration} counts the first session's ${s1} s`);
            assert.deepEqual(all.map(verbOf).filter((v) => v === 'satisfied'), [], 'failed: the AU (CompletedAndPassed) is not satisfied');
            assert.deepEqual(lms.violations, []);
            assert.deepEqual(r2.errors, []);
        } finally {
            await r2.dispose();
        }
    });

    test('finish and pass: completed and passed when the end is reached, before the window closes; the LMS satisfies the course; a relaunch adds nothing but initialized and terminated', T, async () => {
        const c = course();
        const au = c.aus[0];
        const who = lms.learner('pass');
        const r1 = await open(c, au, who);
        try {
            const mod = await H.readModule(r1.frame);
            const items = H.plan(mod, WHO, 'right');
            const walk = await H.learn(r1, items, { who: WHO });
            assert.equal(walk.visited[walk.visited.length - 1], '_summary');
            // at the end, before anything closes: the result is already in the LRS
            await waitFor(async () => (await r1.stored()).some((st) => verbOf(st) === 'passed'), 'passed in the LRS once the end is reached');
            await r1.mark('after the end');
            await r1.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(checkAu(all, au, [r1.s]), [], problems(checkAu(all, au, [r1.s]), 'AU requirements'));
            assert.deepEqual(checkMoments(r1.marks, DONE), [], problems(checkMoments(r1.marks, DONE), 'every moment'));
            assert.deepEqual(auVerbs(all, r1.s).filter((v) => v !== 'answered'), ['initialized', 'completed', 'passed', 'terminated']);
            const passed = all.find((st) => verbOf(st) === 'passed');
            assert.deepEqual(passed.result.score, { scaled: 1, raw: 100, min: 0, max: 100 });
            assert.equal(passed.result.success, true);
            assert.equal(passed.context.extensions[CMI5.mastery], 0.6);
            assert.equal(all.filter((st) => verbOf(st) === 'answered' && !/\/r-/.test(st.object.id)).length, items.length,
                'one answered per question and scenario played');
            const reflections = all.filter((st) => verbOf(st) === 'answered' && /\/r-/.test(st.object.id));
            assert.ok(reflections.every((st) => st.object.definition.interactionType === 'long-fill-in' && st.result.response), 'reflections as long-fill-in answers');
            await waitFor(async () => (await lms.statementsOf(who.registration)).some((st) => verbOf(st) === 'satisfied'), 'the LMS satisfies the course');
            assert.deepEqual(r1.errors, []);
        } finally {
            await r1.dispose();
        }
        const r2 = await open(c, au, who);
        try {
            await r2.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(auVerbs(all, r2.s), ['initialized', 'terminated'], 'a relaunch of a passed AU: no second completed or passed (9.3)');
            assert.deepEqual(checkAu(all, au, [r1.s, r2.s]), [], problems(checkAu(all, au, [r1.s, r2.s]), 'AU requirements, both sessions'));
            assert.equal(ofSession(all, r2.s).find((st) => verbOf(st) === 'terminated').result.extensions, undefined, 'no progress once completed');
            assert.deepEqual(lms.violations, []);
        } finally {
            await r2.dispose();
        }
    });

    test('finish and fail, with the finish button: completed and failed, then terminated; a relaunch never passes or fails again', T, async () => {
        const c = course();
        const au = c.aus[0];
        const who = lms.learner('fail');
        const r1 = await open(c, au, who);
        try {
            const mod = await H.readModule(r1.frame);
            await H.learn(r1, H.plan(mod, WHO, 'wrong'), { who: WHO });
            await r1.mark('finish button');
            await r1.frame.locator('section.cp-summary .cp-finish').click();
            await waitFor(() => r1.s.received.some((r) => verbOf(r.statement) === 'terminated'), 'terminated after the finish button');
            await r1.close().catch(() => {});   // the frame goes: no second terminated
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(checkAu(all, au, [r1.s]), [], problems(checkAu(all, au, [r1.s]), 'AU requirements'));
            assert.deepEqual(checkMoments(r1.marks, DONE), [], problems(checkMoments(r1.marks, DONE), 'every moment'));
            assert.deepEqual(auVerbs(all, r1.s).filter((v) => v !== 'answered'), ['initialized', 'completed', 'failed', 'terminated']);
            assert.deepEqual(all.find((st) => verbOf(st) === 'failed').result.score, { scaled: 0, raw: 0, min: 0, max: 100 });
            assert.deepEqual(r1.errors, []);
        } finally {
            await r1.dispose();
        }
        const r2 = await open(c, au, who);
        try {
            await r2.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(auVerbs(all, r2.s), ['initialized', 'terminated']);
            assert.deepEqual(checkAu(all, au, [r1.s, r2.s]), []);
        } finally {
            await r2.dispose();
        }
    });

    test("the LMS's masteryScore rules (10.2.4): 40 % passes at 0.3", T, async () => {
        const c = course();
        const au = c.aus[0];
        const who = lms.learner('mastery');
        const r = await open(c, au, who, { masteryScore: 0.3 });
        try {
            const mod = await H.readModule(r.frame);
            await H.learn(r, H.planWith(mod, WHO, 'right', { 'q-open': 'wrong', 'sc-night': 'partial' }), { who: WHO });
            await r.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(checkAu(all, au, [r.s]), [], problems(checkAu(all, au, [r.s]), 'AU requirements'));
            const passed = all.find((st) => verbOf(st) === 'passed');
            assert.ok(passed, `passed expected, got ${auVerbs(all, r.s).join(', ')}`);
            assert.equal(passed.result.score.scaled, 0.4);
            assert.equal(passed.context.extensions[CMI5.mastery], 0.3);
        } finally {
            await r.dispose();
        }
    });

    test('Browse mode: initialized and terminated only, whatever the learner answers; the LMS keeps no state', T, async () => {
        const c = course();
        const au = c.aus[0];
        const who = lms.learner('browse');
        const r = await open(c, au, who, { launchMode: 'Browse' });
        try {
            const mod = await H.readModule(r.frame);
            await H.learn(r, H.plan(mod, WHO, 'right'), { who: WHO });
            await r.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(auVerbs(all, r.s), ['initialized', 'terminated']);
            assert.deepEqual(checkAu(all, au, [r.s]), []);
            assert.equal(lms.auState(r.s), null, 'no state document written in Browse mode');
        } finally {
            await r.dispose();
        }
    });

    test('returnURL (10.2.6): the finish button ends the session, then the frame goes back to the LMS', T, async () => {
        const c = course();
        const au = c.aus[0];
        const who = lms.learner('return');
        const r = await open(c, au, who, { returnURL: `${lms.base}/lms/return.html?from=au` });
        try {
            const mod = await H.readModule(r.frame);
            await H.learn(r, H.plan(mod, WHO, 'right'), { who: WHO });
            await r.frame.locator('section.cp-summary .cp-finish').click();
            const frame = r.page.frame({ url: /\/lms\/return\.html/ }) || await r.page.waitForEvent('framenavigated', {
                predicate: (f) => /\/lms\/return\.html/.test(f.url()), timeout: H.WAIT });
            await frame.waitForSelector('#lms-return', { timeout: H.WAIT });
            const back = lms.log.find((l) => l.path.startsWith('/lms/return.html'));
            const term = r.s.received.find((x) => verbOf(x.statement) === 'terminated');
            assert.ok(term && back && term.at <= back.t, 'terminated reached the LMS before the return page was asked for');
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(checkAu(all, au, [r.s]), []);
        } finally {
            await r.dispose();
        }
    });

    test('opened without launch parameters (from disk, or an LMS that is not cmi5): preview mode, no request to any LMS', T, async () => {
        if (setupError) assert.fail(setupError);
        const c = course();
        const context = await browser.newContext();
        try {
            const page = await context.newPage();
            const asked = [];
            page.on('request', (q) => asked.push(q.url()));
            await page.goto(c.mount + c.aus[0].url, { waitUntil: 'load' });
            await page.waitForFunction(() => !document.querySelector('.cp-banner').hidden, null, { timeout: H.WAIT });
            assert.deepEqual(asked.filter((u) => /\/xapi\/|\/lms\/fetch/.test(u)), []);
            await page.locator('.cp-next').isVisible();
        } finally {
            await context.close();
        }
    });

    test('the curriculum: a real module as the second AU of the whole-curriculum course, played to a pass; the first AU untouched', T, async () => {
        const c = course('curriculum.en.cmi5.zip');
        assert.ok(c.aus.length >= 2, 'the curriculum has its modules as AUs');
        const au = c.aus[1];
        assert.match(au.url, /^[a-z0-9-]+\/index\.html$/);
        const who = lms.learner('curriculum');
        const r = await open(c, au, who);
        try {
            const mod = await H.readModule(r.frame);
            const learner = { role: mod.roles[0] || null, setting: mod.settings[0] || null };
            const items = H.plan(mod, learner, 'right');
            const walk = await H.learn(r, items, { who: learner });
            assert.equal(walk.visited[walk.visited.length - 1], '_summary');
            await r.close();
            const all = await lms.statementsOf(who.registration);
            assert.deepEqual(checkAu(all, au, [r.s]), [], problems(checkAu(all, au, [r.s]), 'AU requirements'));
            assert.deepEqual(checkMoments(r.marks, `next from ${walk.visited[walk.visited.length - 2]}`), []);
            const verbs = auVerbs(all, r.s);
            assert.deepEqual(verbs.filter((v) => v !== 'answered'), ['initialized', 'completed', 'passed', 'terminated']);
            assert.equal(verbs.filter((v) => v === 'answered').length, items.length + mod.reflections.filter((x) => H.forLearner(x.ctx, learner)).length);
            assert.ok(all.filter((st) => verbOf(st) !== 'satisfied').every((st) => st.object.id === au.activityId || st.object.id.startsWith(au.activityId + '/')),
                'every statement is about this AU or its items');
            assert.ok(!all.some((st) => verbOf(st) === 'satisfied'), 'one AU of six passed: the course is not satisfied');
            assert.deepEqual(r.errors, []);
        } finally {
            await r.dispose();
        }
    });
});

/* The package with its launch adapter broken on purpose: each patch must
 * apply (a patch that no longer matches fails the test, so these tests
 * cannot silently become hollow). */
function broken(patches) {
    const c = course();
    const f = join(c.dir, 'runtime', 'cp-cmi5.js');
    let src = readFileSync(f, 'utf8');
    for (const [from, to] of patches) {
        assert.ok(src.includes(from), `the patch no longer applies to cp-cmi5.js: ${from}`);
        src = src.replace(from, to);
    }
    writeFileSync(f, src);
    return c;
}

async function passRun(c, who, opts = {}) {
    const r = await open(c, c.aus[0], who, opts);
    try {
        const mod = await H.readModule(r.frame);
        await H.learn(r, H.plan(mod, WHO, 'right'), { who: WHO });
        await r.close();
        return r;
    } finally {
        await r.dispose();
    }
}

const includes = (list, text) => assert.ok(list.some((x) => x.includes(text)), `expected a problem with "${text}" in:\n  - ${list.join('\n  - ')}`);

describe('the checks catch a broken launch adapter', { concurrency: 1 }, () => {
    test('completed sent at launch: a verdict before the end, at the first moment', T, async () => {
        const c = broken([["emit('initialized');", "emit('initialized'); emit('completed', { completion: true, duration: 'PT0S' });"]]);
        const who = lms.learner('m-completed-early');
        const r = await open(c, c.aus[0], who);
        try {
            const mod = await H.readModule(r.frame);
            await H.learn(r, H.plan(mod, WHO, 'right'), { who: WHO, stopAt: '02-chiefs' });
            await r.close();
            includes(checkMoments(r.marks, null), 'the LRS already held completed');
        } finally {
            await r.dispose();
        }
    });

    test('no terminated: the last statement is not terminated', T, async () => {
        const c = broken([["emit('terminated', result);", ''], ['sender.drained()', 'Promise.reject()']]);
        const who = lms.learner('m-no-terminated');
        const r = await open(c, c.aus[0], who);
        try {
            await r.page.evaluate(() => document.getElementById('au')?.remove());
            await new Promise((ok) => setTimeout(ok, 1500));
            const all = await lms.statementsOf(who.registration);
            includes(checkAu(all, c.aus[0], [r.s]), 'not "terminated" (7.1.2)');
        } finally {
            await r.dispose();
        }
    });

    test('the registration rules dropped: completed and passed again on relaunch', T, async () => {
        const c = broken([['return !sent.completed;', 'return true;'],
                          ['return !sent.passed && !session.failed;', 'return !session.failed;'],
                          ["s.state.completion !== 'completed'", 'true'], ['s.state.success !== success', 'true']]);
        const who = lms.learner('m-twice');
        const r1 = await passRun(c, who);
        const r2 = await passRun(c, who);
        const p = checkAu(await lms.statementsOf(who.registration), c.aus[0], [r1.s, r2.s]);
        includes(p, '"completed" 2 times in the registration');
        includes(p, '"passed" 2 times in the registration');
    });

    test('no masteryScore in passed: named', T, async () => {
        const c = broken([['ext[EXT_MASTERY] = s.mastery;', '']]);
        const who = lms.learner('m-mastery');
        const r = await passRun(c, who);
        includes(checkAu(await lms.statementsOf(who.registration), c.aus[0], [r.s]),
                 'masteryScore extension undefined, expected the launch data\'s 0.6');
    });

    test('the context template ignored: no publisher id, no session id', T, async () => {
        const c = broken([['var c = clone(template) || {};', 'var c = {};']]);
        const who = lms.learner('m-template');
        const r = await open(c, c.aus[0], who);
        try {
            await r.close();
            const p = checkAu(await lms.statementsOf(who.registration), c.aus[0], [r.s]);
            includes(p, '"initialized"');
            includes(p, 'is no launch\'s (9.6.3.1');
        } finally {
            await r.dispose();
        }
    });
});

describe('cmi5 with the content on another origin than the LMS (CORS)', { concurrency: 1 }, () => {
    test('leave mid-way, then come back and pass: every request crosses origins, terminated included', T, async () => {
        if (setupError) assert.fail(setupError);
        const main = lms;
        lms = await startLms(lrs, { contentOrigin: true });
        try {
            const c = course();
            assert.notEqual(new URL(c.mount).origin, new URL(lms.base).origin);
            const au = c.aus[0];
            const who = lms.learner('cors');
            const r1 = await open(c, au, who);
            let items;
            try {
                const mod = await H.readModule(r1.frame);
                items = H.plan(mod, WHO, 'right');
                await H.learn(r1, items, { who: WHO, stopAt: '03-night' });
                await r1.close();        // terminated, with keepalive, across origins
            } finally {
                await r1.dispose();
            }
            const r2 = await open(c, au, who);
            try {
                await H.learn(r2, items, { who: WHO });
                await r2.close();
                const all = await lms.statementsOf(who.registration);
                assert.deepEqual(checkAu(all, au, [r1.s, r2.s]), [], problems(checkAu(all, au, [r1.s, r2.s]), 'AU requirements'));
                assert.deepEqual(auVerbs(all, r2.s).filter((v) => v !== 'answered'), ['initialized', 'completed', 'passed', 'terminated']);
                assert.ok(lms.log.some((l) => l.method === 'OPTIONS'), 'the browser made CORS preflights');
                assert.deepEqual(lms.violations, []);
                assert.deepEqual([...r1.errors, ...r2.errors], []);
            } finally {
                await r2.dispose();
            }
        } finally {
            await lms.close();
            lms = main;
        }
    });
});

describe('the test LMS itself (so that its checks can fail)', { concurrency: 1 }, () => {
    test('the fetch URL gives the token once, to a POST; a wrong token is refused', T, async () => {
        const c = course();
        const who = lms.learner('fetch');
        const s = await lms.launch(c, c.aus[0], who);
        const fetchUrl = new URL(s.url).searchParams.get('fetch');
        const first = await (await fetch(fetchUrl, { method: 'POST' })).json();
        assert.equal(typeof first['auth-token'], 'string');
        const again = await (await fetch(fetchUrl, { method: 'POST' })).json();
        assert.equal(again['error-code'], '1');
        const wrong = await fetch(`${lms.base}/xapi/statements`, { method: 'POST', headers: { Authorization: 'Basic nope',
            'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' }, body: '[]' });
        assert.equal(wrong.status, 401);
        assert.equal(lms.violations.length, 1);
        lms.violations.length = 0;
    });

    test('checkAu names what breaks the AU requirements', () => {
        const au = { id: 'urn:x:au', activityId: 'https://lms/act/1' };
        const s = { id: '11111111-1111-4111-8111-111111111111', actor: { account: { homePage: 'h', name: 'n' } },
                    registration: 'R', launchMode: 'Normal', launchData: { masteryScore: 0.6 }, fetches: ['POST'], lrsAnswers: [] };
        let t = Date.parse('2026-01-01T00:00:00Z');
        const st = (verb, result, cats = [CMI5.catCmi5]) => ({
            id: randomUUID(), actor: s.actor, verb: { id: `http://adlnet.gov/expapi/verbs/${verb}` },
            object: { id: au.activityId }, result, timestamp: new Date(t += 1000).toISOString(),
            context: { registration: 'R', contextActivities: { category: cats.map((id) => ({ id })), grouping: [{ id: au.id }] },
                       extensions: { [CMI5.session]: s.id } } });
        const bad = [st('completed', { completion: true, duration: 'PT1S' }, [CMI5.catCmi5, CMI5.catMoveOn]),
                     st('initialized'),
                     st('failed', { success: false, duration: 'PT1S', score: { scaled: 0.7 } }, [CMI5.catCmi5, CMI5.catMoveOn]),
                     st('passed', { success: true, duration: 'PT1S' }, [CMI5.catCmi5])];
        const p = checkAu(bad, au, [s]);
        const has = (text) => assert.ok(p.some((x) => x.includes(text)), `expected a problem with "${text}" in:\n  ${p.join('\n  ')}`);
        has('not "initialized" (7.1.1)');
        has('not "terminated" (7.1.2)');
        has('both "passed" and "failed"');
        has('scaled 0.7 against masteryScore 0.6');
        has('masteryScore extension undefined');
        has('the moveOn category missing with success or completion');
    });
});
