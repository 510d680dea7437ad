// Tests of the harness itself, on the hand-written fixture module
// (fixtures/mini) with the reference runtime (fixtures/ref-runtime.js):
//  - a correct runtime passes every check, in both editions;
//  - a runtime broken on purpose (wrong status value, missing commit,
//    overlong suspend data, double Terminate, a call after Terminate) fails
//    with a message that names the problem.
// This is what lets a green run on the real packages be trusted.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as H from './harness.mjs';
import * as R from './runs.mjs';

let browser, server;
const dirs = [];
before(async () => { browser = await H.launchBrowser(); server = await H.startServer(); });
after(async () => { if (browser) await H.closePool(browser); await browser?.close(); await server?.close(); dirs.forEach(H.removeDir); });

function pkg(edition, patch = null) {
    const p = H.fixturePackage(edition, H.REF_RUNTIME, { patch });
    dirs.push(p.dir);
    return p;
}

/* Replaces `from` by `to` in the runtime source; fails loudly if the patch no
 * longer applies (so a refactored reference runtime cannot hollow out a test). */
function patch(from, to) {
    return (js) => {
        assert.ok(js.includes(from), `patch target not found in the reference runtime: ${from}`);
        return js.replace(from, to);
    };
}

const T = { timeout: 180000 };

for (const ed of ['12', '2004']) {
    describe(`reference runtime, SCORM ${ed}`, { concurrency: 2 }, () => {
        test('all answers right: completed, passed, score 100, one interaction per item', T, async () => {
            const r = await R.completeRun(browser, server, pkg(ed), 'right');
            H.assertNoProblems(assert, r.problems, 'all right');
            assert.equal(H.expectedRaw(r.items), 100);
            assert.equal(r.items.length, 4, 'the chief-only question is not for a physician');
        });
        test('all answers wrong, summary finish button: completed, failed, raw and scaled scores', T, async () => {
            const r = await R.completeRun(browser, server, pkg(ed), 'wrong', { finish: 'button' });
            H.assertNoProblems(assert, r.problems, 'all wrong');
            const v = H.lastValues(r.state, ed);
            assert.equal(Number(v.get(ed === '12' ? 'cmi.core.score.raw' : 'cmi.score.raw')), 0);
        });
        test('leave half-way, relaunch with entry=resume: same page, answers shown, one result', T, async () => {
            const r = await R.resumeRun(browser, server, pkg(ed));
            H.assertNoProblems(assert, r.problems, 'resume');
        });
        test('mixed answers, SCO in its own window, window closed: partial = half weight, Terminate once', T, async () => {
            const r = await R.completeRun(browser, server, pkg(ed), 'mixed', { mode: 'window' });
            H.assertNoProblems(assert, r.problems, 'window closed');
            // q-lab-accuracy 2 right, q-bias-sources 1 wrong, q-always-right 1 right, scenario 2 partial: 4/6
            assert.equal(H.expectedRaw(r.items).toFixed(2), '66.67');
        });
    });
}

describe('the harness names a broken runtime', { concurrency: 2 }, () => {
    test('wrong status value ("complete") -> scorm-again error on lesson_status', T, async () => {
        const p = pkg('12', patch("set(K.status, verdict || (finished ? 'completed' : 'incomplete'));",
            "set(K.status, finished ? 'complete' : 'incomplete');"));
        const r = await R.completeRun(browser, server, p, 'right');
        assert.ok(r.problems.some((m) => /LMSSetValue\("cmi\.core\.lesson_status", "complete"\) -> scorm-again error 405/.test(m)),
            r.problems.join('\n'));
        assert.ok(r.problems.some((m) => /lesson_status is "incomplete", expected "passed"/.test(m)), r.problems.join('\n'));
    });
    test('wrong success value in 2004 ("pass")', T, async () => {
        const p = pkg('2004', patch("if (verdict) set('cmi.success_status', verdict);", "if (verdict) set('cmi.success_status', 'pass');"));
        const r = await R.completeRun(browser, server, p, 'right');
        assert.ok(r.problems.some((m) => /SetValue\("cmi\.success_status", "pass"\) -> scorm-again error 406/.test(m)), r.problems.join('\n'));
    });
    test('missing commit after an answer', T, async () => {
        const p = pkg('2004', patch('report(); commit();', 'report();'));
        const r = await R.completeRun(browser, server, p, 'right');
        assert.ok(r.problems.some((m) => /^no Commit after "answer q-lab-accuracy b": SetValue\("cmi\.interactions\.0\.id"/.test(m)),
            r.problems.join('\n'));
    });
    test('overlong suspend data (over the 4096 characters SCORM 1.2 allows, in both editions)', T, async () => {
        const long = patch("'|n=' + n;", "'|n=' + n + (Object.keys(st.q).length > 1 ? ';' + Array(700).fill('9:abcd').join(';') : '');");
        // scorm-again 3.4 accepts over 4096 characters in 1.2 (many LMSs truncate
        // or refuse): the harness's own limit check must catch it in both editions.
        const r12 = await R.completeRun(browser, server, pkg('12', long), 'right');
        assert.ok(r12.problems.some((m) => /cmi\.suspend_data is \d{4} characters, over SCORM 1\.2's limit of 4096/.test(m)), r12.problems.join('\n'));
        const r04 = await R.completeRun(browser, server, pkg('2004', long), 'right');
        assert.ok(r04.problems.some((m) => /cmi\.suspend_data is \d{4} characters, over SCORM 1\.2's limit of 4096/.test(m)), r04.problems.join('\n'));
    });
    test('Terminate twice (unload and pagehide) and a call after it', T, async () => {
        const p = pkg('2004', patch("window.addEventListener('pagehide', finish);",
            "window.addEventListener('pagehide', finish); window.addEventListener('unload', function () { api[F.fin](''); api[F.get]('cmi.location'); });"));
        const r = await R.completeRun(browser, server, p, 'right');
        assert.ok(r.problems.includes('Terminate called 2 times, expected exactly once'), r.problems.join('\n'));
        assert.ok(r.problems.some((m) => /^calls after Terminate: Terminate\(""\), GetValue\("cmi\.location"\)/.test(m)), r.problems.join('\n'));
    });
    test('no Terminate when the window closes (unload handler missing)', T, async () => {
        const p = pkg('12', patch("window.addEventListener('pagehide', finish);", ''));
        const r = await R.completeRun(browser, server, p, 'right', { mode: 'window' });
        assert.ok(r.problems.includes('LMSFinish called 0 times, expected exactly once'), r.problems.join('\n'));
        assert.ok(r.problems.includes('cmi.core.session_time never set'), r.problems.join('\n'));
    });
    test('malformed session time', T, async () => {
        const p = pkg('2004', patch("return 'PT' + h + 'H' + m + 'M' + s.toFixed(2) + 'S';", "return 'PT' + h + 'H' + m + 'M' + s.toFixed(3) + 'S';"));
        const r = await R.completeRun(browser, server, p, 'right');
        assert.ok(r.problems.some((m) => /cmi\.session_time "PT0H0M\d+\.\d{3}S" is not an ISO 8601 duration/.test(m) || /error 406/.test(m)), r.problems.join('\n'));
    });
    test('a wrong response format (1.2 true-false as "false")', T, async () => {
        const p = pkg('12', patch("return ed === '12' ? (codes[0] === 'a' ? 't' : 'f')", "return ed === '12' ? (codes[0] === 'a' ? 'true' : 'false')"));
        const r = await R.completeRun(browser, server, p, 'right');
        assert.ok(r.problems.some((m) => /interaction q-always-right: student_response is "false", expected "f"/.test(m)), r.problems.join('\n'));
    });
    test('an interim score (an LMS shows it as the grade; Moodle 1.2 turns it into "failed")', T, async () => {
        const p = pkg('12', patch('if (finished && sc.items) {', 'if (sc.items) {'));
        const r = await R.resumeRun(browser, server, p);
        assert.ok(r.problems.some((m) => /^first attempt: stored at the LMSCommit after "answer q-lab-accuracy b": raw is "\d+(\.\d+)?", expected no score before the result is final$/.test(m)),
            r.problems.join('\n'));
    });
    test('a verdict before the end (2004 success_status once every item is answered)', T, async () => {
        const p = pkg('2004', patch("var verdict = finished && sc.items ?", 'var verdict = sc.done && sc.items ?'));
        const r = await R.completeRun(browser, server, p, 'right');
        assert.ok(r.problems.some((m) => /^stored at the Commit after "play sc-night-triage ad": success is "passed", expected "unknown" before the result is final$/.test(m)),
            r.problems.join('\n'));
    });
    test('a resume that forgets the answers', T, async () => {
        const p = pkg('2004', patch('if (resume) decode(', 'if (false) decode('));
        const r = await R.resumeRun(browser, server, p);
        assert.ok(r.problems.some((m) => /^relaunch landed on "_context"|^relaunch: q-lab-accuracy shows/.test(m)), r.problems.join('\n'));
    });
});

describe('reference runtime without an LMS', { concurrency: 2 }, () => {
    for (const ed of ['12', '2004']) {
        test(`SCORM ${ed} package opened from disk (file://): navigate, answer, no error`, T, async () => {
            const r = await R.fileRun(browser, pkg(ed));
            H.assertNoProblems(assert, r.problems, 'file://');
        });
    }
    test('file:// check reports a runtime that throws without an LMS', T, async () => {
        const r = await R.fileRun(browser, pkg('2004', patch("var api = findApi('API_1484_11');", "var api = findApi('API_1484_11'); if (!api) throw new Error('no LMS API');")));
        assert.ok(r.problems.some((m) => /uncaught no LMS API/.test(m)), r.problems.join('\n'));
    });
});

test('keyboard only (Tab, Space, Enter, arrows in radio groups): module completed and passed', T, async () => {
    const r = await R.completeRun(browser, server, pkg('2004'), 'right', { keyboard: true });
    H.assertNoProblems(assert, r.problems, 'keyboard');
});

describe('the checks on recorded calls (no browser)', () => {
    const call = (fn, args, t = 0, err = '0') => ({ fn, args, t, err });
    const session = (edition, key, value, secs) => ({
        calls: [call(edition === '12' ? 'LMSInitialize' : 'Initialize', [''], 1000),
                call(edition === '12' ? 'LMSSetValue' : 'SetValue', [key, value], 1000 + secs * 1000),
                call(edition === '12' ? 'LMSFinish' : 'Terminate', [''], 1000 + secs * 1000)],
        logs: [],
    });
    test('session time formats', () => {
        for (const [ok, secs] of [['PT1H5M30.25S', 3930.25], ['PT0S', 0.4], ['PT3S', 3], ['PT0H0M3.5S', 3]]) {
            assert.deepEqual(H.checkSessionTime(session('2004', 'cmi.session_time', ok, secs), '2004'), [], ok);
        }
        for (const bad of ['PT', 'P', 'PT1.123S', '3S', 'PT1H5M30,25S']) {
            assert.deepEqual(H.checkSessionTime(session('2004', 'cmi.session_time', bad, 3), '2004'),
                [`cmi.session_time ${JSON.stringify(bad)} is not an ISO 8601 duration (PT…H…M…S, at most 2 decimals)`], bad);
        }
        assert.deepEqual(H.checkSessionTime(session('12', 'cmi.core.session_time', '0000:00:03.50', 3), '12'), []);
        assert.deepEqual(H.checkSessionTime(session('12', 'cmi.core.session_time', '0:0:3', 3), '12'),
            ['cmi.core.session_time "0:0:3" is not HHHH:MM:SS.SS']);
        assert.deepEqual(H.checkSessionTime(session('12', 'cmi.core.session_time', '0001:00:00', 3), '12'),
            ['cmi.core.session_time 0001:00:00 (3600.00 s) is implausible: the SCO was open 3.00 s']);
    });
    test('suspend data format', () => {
        const st = (v) => ({ calls: [call('SetValue', ['cmi.suspend_data', v])] });
        assert.deepEqual(H.checkSuspend(st('v1|c=1.0|s=7|q=0:b;2:ac|n=0:ad'), '2004'), []);
        assert.deepEqual(H.checkSuspend(st('v1|c=-.-|s=1|q=|n='), '2004'), []);
        assert.deepEqual(H.checkSuspend(st('v1|c=-.-|s=1|q=0:b|n=|o=3vvvvvv'), '2004'), []);
        for (const bad of ['v1|c=-.-|s=1|q=|n=|o=', 'v1|c=-.-|s=1|q=|n=|o=0', 'v1|c=-.-|s=1|q=|n=|o=12345678', 'v1|c=-.-|s=1|q=|n=|o=w1'])
            assert.deepEqual(H.checkSuspend(st(bad), '2004'), [`cmi.suspend_data ${JSON.stringify(bad)} does not follow the documented v1 format`]);
        assert.deepEqual(H.checkSuspend(st('{"page":3}'), '2004'),
            ['cmi.suspend_data "{\\"page\\":3}" does not follow the documented v1 format']);
    });
    test('what scorm-again stored differs from what the SCO set', () => {
        const st = { calls: [call('SetValue', ['cmi.success_status', 'passed']), call('SetValue', ['cmi.score.raw', '80'])],
                     flat: { 'cmi.success_status': 'unknown', 'cmi.score.raw': 80 } };
        assert.deepEqual(H.checkStored(st, '2004'),
            ['scorm-again stored cmi.success_status = "unknown", but the SCO last set "passed"']);
    });
    test('what the LMS stored at each commit', () => {
        const snap = (seq, after, data) => ({ seq, fn: 'LMSCommit', after, data });
        const st = {
            calls: [{ seq: 5, mark: 'next from 04' }],
            records: [
                snap(1, null, { 'cmi.core.lesson_status': 'incomplete', 'cmi.core.score.raw': '', 'cmi.core.exit': 'suspend' }),
                snap(3, 'answer q', { 'cmi.core.lesson_status': 'failed', 'cmi.core.score.raw': '40', 'cmi.core.exit': 'suspend' }),
                snap(6, 'next from 04', { 'cmi.core.lesson_status': 'passed', 'cmi.core.score.raw': '90', 'cmi.core.exit': '' }),
            ],
        };
        assert.deepEqual(H.checkRecords(st, '12', { doneAt: 'next from 04', outcome: { verdict: 'passed', raw: 90 } }), [
            'stored at the LMSCommit after "answer q": status is "failed", expected "incomplete" (the learner has not finished)',
            'stored at the LMSCommit after "answer q": raw is "40", expected no score before the result is final',
        ]);
        assert.deepEqual(H.checkRecords(st, '12', { doneAt: 'next from 04', outcome: { verdict: 'failed', raw: 40 } }).slice(2), [
            'stored at the LMSCommit after "next from 04": status is "passed", expected "failed"',
            'stored at the LMSCommit after "next from 04": raw is "90", expected 40.00',
        ]);
        assert.deepEqual(H.checkRecords({ calls: [], records: [] }, '2004'), ['the LMS stored nothing: no Commit reached it']);
        const v04 = { 'cmi.completion_status': 'completed', 'cmi.success_status': 'unknown', 'cmi.score.raw': '',
                      'cmi.progress_measure': '1', 'cmi.exit': 'normal' };
        assert.deepEqual(H.checkRecords({ calls: [], records: [snap(1, null, v04)] }, '2004'), [
            'stored at the LMSCommit after "launch": completion is "completed", expected "incomplete" (the learner has not finished)',
            'stored at the LMSCommit after "launch": progress is "1", expected below 1',
            'stored at the LMSCommit after "launch": exit is "normal", expected "suspend"',
        ]);
    });
    test('calls before Initialize, wrong arguments', () => {
        const st = { calls: [call('LMSGetValue', ['cmi.core.entry'], 0, '301'), call('LMSInitialize', ['x']), call('LMSFinish', [''])], logs: [] };
        st.calls[0].errText = 'Not initialized'; st.calls[0].diag = 'd';
        assert.deepEqual(H.checkCalls(st, '12'), [
            'LMSGetValue("cmi.core.entry") -> scorm-again error 301 (Not initialized): d',
            'first call is LMSGetValue("cmi.core.entry"), before LMSInitialize',
            'LMSInitialize("x"): the argument must be ""',
        ]);
    });
});
