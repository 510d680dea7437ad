// The choice order of an attempt, in the browser runtime: each attempt shows
// every question's choices (and every scenario step's) in an order of its own
// seed; resuming shows the same order; choices marked data-cp-fixed keep
// their place, true/false questions and data-cp-shuffle="false" items keep
// the written order; the interactions, responses (choice ids as written) and
// the score do not depend on the order; Tab follows the order shown; and the
// order for a seed is the one the player computes (src/shuffle.c, through
// build/tests/tools/cp_order on the same index.html).
//
// The module is tests/fixtures/shuffle-module, built here by coursepack. A
// test fixes an attempt's seed with the runtime's ?cpseed= (H.launch's seed).

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as H from './harness.mjs';
import { allChecks, finalOutcome } from './runs.mjs';

const T = { timeout: 240000 };
const BUILD = join(H.REPO, process.env.BUILD || 'build');
const FIXTURE = join(H.REPO, 'tests', 'fixtures', 'shuffle-module');
const ORDER = join(BUILD, 'tests', 'tools', 'cp_order');
const WHO = { role: null, setting: null };
const dirs = [];
let browser, server, zips = null, buildError = null;

before(async () => {
    const tool = join(BUILD, 'coursepack');
    if (!existsSync(tool)) buildError = `${tool} is missing: run make first`;
    else {
        const out = H.tempDir('shuffle');
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
    const p = H.openZip(zips[`shuffle-module.${lang}.scorm${edition}.zip`]);
    dirs.push(p.dir);
    return p;
}

/* What the page shows: every question's choice ids and every step's choice
 * codes, in document (shown) order, keyed as cp_order keys them. */
async function shownOrder(frame) {
    return frame.evaluate(() => {
        const out = {};
        for (const q of document.querySelectorAll('form.cp-question'))
            out[q.getAttribute('data-cp-question')] = [...q.querySelectorAll('.cp-choice')]
                .map((c) => c.getAttribute('data-cp-choice')).join('');
        for (const s of document.querySelectorAll('.cp-scenario'))
            for (const st of s.querySelectorAll('.cp-step')) {
                const codes = [...st.querySelectorAll('.cp-step-choice')].map((b) => b.getAttribute('data-cp-choice')).join('');
                if (codes) out[`${s.getAttribute('data-cp-scenario')}/${st.getAttribute('data-cp-step')}`] = codes;
            }
        return out;
    });
}

/* The player's order for this seed (src/shuffle.c on the same page). */
function playerOrder(p, seed) {
    if (!existsSync(ORDER)) assert.fail(`${ORDER} is missing: run make test (it builds tests/tools/)`);
    const r = spawnSync(ORDER, [join(p.dir, 'index.html'), seed], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, `cp_order failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
}

/* The o= of the last suspend data the SCO set. */
function seedOf(state, edition) {
    const s = H.lastValues(state, edition).get('cmi.suspend_data') || '';
    const m = /\|o=([0-9a-v]+)$/.exec(s);
    return m ? m[1] : null;
}

const WRITTEN = { 'q-first': 'abcd', 'q-all-above': 'abcd', 'q-none-above': 'abcde', 'q-multiple': 'abcde',
                  'q-delay': 'abcd', 'q-truefalse': 'ab', 'q-last': 'abcd',
                  'sc-handover/start': 'abc', 'sc-handover/call': 'def', 'sc-steps/start': 'abc' };
const SHUFFLED = ['q-first', 'q-all-above', 'q-none-above', 'q-multiple', 'q-last', 'sc-handover/start', 'sc-handover/call'];

describe('choice order in the browser runtime', { concurrency: 2 }, () => {
    test('a seed gives the player\'s order; fixed choices, true/false and shuffle=no keep their places', T, async () => {
        const p = pkg('2004');
        let differs = 0;
        for (const seed of ['1', 'abc12', '7f00d', '3vvvvvv']) {
            const s = await H.launch(browser, server, p, { seed });
            try {
                const shown = await shownOrder(s.frame);
                assert.deepEqual(shown, playerOrder(p, seed), `seed ${seed}: the browser and the player (src/shuffle.c) show different orders`);
                for (const [id, written] of Object.entries(WRITTEN))
                    assert.equal([...shown[id]].sort().join(''), written, `seed ${seed}: ${id} shows ${shown[id]}, not a permutation of ${written}`);
                assert.equal(shown['q-all-above'][3], 'd', `seed ${seed}: "All of the above" (fixed=d) left its place: ${shown['q-all-above']}`);
                assert.equal(shown['q-none-above'][4], 'e', `seed ${seed}: "None of these" (fixed=e) left its place: ${shown['q-none-above']}`);
                assert.equal(shown['q-truefalse'], 'ab', `seed ${seed}: true/false shown ${shown['q-truefalse']}`);
                assert.equal(shown['q-delay'], 'abcd', `seed ${seed}: shuffle=no shown ${shown['q-delay']}`);
                assert.equal(shown['sc-steps/start'], 'abc', `seed ${seed}: scenario shuffle=no shown ${shown['sc-steps/start']}`);
                differs += SHUFFLED.filter((id) => shown[id] !== WRITTEN[id]).length;
                await s.close();
                assert.equal(seedOf(await s.lms(), '2004'), seed, 'the suspend data keeps the seed of the order shown');
                assert.deepEqual(s.consoleErrors, []);
            } finally {
                await s.dispose();
            }
        }
        assert.ok(differs >= 20, `only ${differs} of ${4 * SHUFFLED.length} shuffled items moved over four seeds`);
    });

    test('two attempts show different orders; each new attempt draws its own seed', T, async () => {
        const p = pkg('12');
        const orders = [], seeds = [];
        for (const seed of ['abc12', '7f00d', null]) {
            const s = await H.launch(browser, server, p, { seed });
            try {
                orders.push(await shownOrder(s.frame));
                await s.close();
                seeds.push(seedOf(await s.lms(), '12'));
            } finally {
                await s.dispose();
            }
        }
        const moved = SHUFFLED.filter((id) => orders[0][id] !== orders[1][id]);
        assert.ok(moved.length >= 4, `seeds abc12 and 7f00d differ on ${moved.length} items only: ${JSON.stringify(orders.slice(0, 2))}`);
        // without ?cpseed the runtime draws a seed, and shows its order
        assert.match(seeds[2] || '', /^[1-9a-v][0-9a-v]{0,6}$/, 'a random seed is kept in suspend data');
        assert.notEqual(seeds[2], 'abc12');
        assert.deepEqual(orders[2], playerOrder(p, seeds[2]), 'the drawn seed is the one whose order is shown');
    });

    for (const ed of ['12', '2004']) {
        test(`SCORM ${ed}: resuming shows the attempt's order, whatever seed the relaunch would draw, with the earlier answers`, T, async () => {
            const p = pkg(ed);
            let first, order, items;
            const s1 = await H.launch(browser, server, p, { seed: 'abc12' });
            try {
                order = await shownOrder(s1.frame);
                const mod = await H.readModule(s1.frame);
                items = H.plan(mod, WHO, 'right');
                const walk = await H.learn(s1, items, { who: WHO, stopAt: '02-questions' });
                assert.deepEqual(walk.answered.sort(), ['q-all-above', 'q-delay', 'q-first', 'q-multiple', 'q-none-above']);
                await s1.close();
                first = await s1.lms();
                H.assertNoProblems(assert, H.checkSuspend(first, ed), 'suspend data');
                assert.equal(seedOf(first, ed), 'abc12');
            } finally {
                await s1.dispose();
            }
            const s2 = await H.launch(browser, server, p, { flat: H.keptData(first, ed), seed: '7f00d' });
            try {
                assert.equal(await H.currentPage(s2.frame), '02-questions');
                assert.deepEqual(await shownOrder(s2.frame), order, 'the resumed attempt shows another order');
                const shown = await H.shownAnswers(s2.frame);
                for (const id of ['q-first', 'q-all-above', 'q-none-above', 'q-multiple', 'q-delay']) {
                    const it = items.find((i) => i.id === id);
                    assert.ok(H.same(shown[id].checked, it.pick) && shown[id].disabled, `${id} shows ${shown[id].checked}, not the earlier ${it.pick}`);
                }
                await H.learn(s2, items, { who: WHO });
                await s2.close();
                const second = await s2.lms();
                assert.equal(seedOf(second, ed), 'abc12', 'the resumed attempt keeps its seed in suspend data');
                const merged = { calls: [...first.calls.filter((c) => c.fn && /SetValue$/.test(c.fn)), ...second.calls], logs: second.logs };
                H.assertNoProblems(assert, H.checkInteractions(merged, ed, items), 'interactions over both sessions');
                assert.deepEqual([...s1.consoleErrors, ...s2.consoleErrors], []);
            } finally {
                await s2.dispose();
            }
        });
    }

    test('an attempt saved before orders were kept (no o=) resumes as written', T, async () => {
        const p = pkg('2004');
        const kept = { 'cmi.entry': 'resume', 'cmi.location': '02-questions',
                       'cmi.suspend_data': 'v1|c=-.-|s=3|q=|n=', 'cmi.completion_status': 'incomplete' };
        const s = await H.launch(browser, server, p, { flat: kept, seed: 'abc12' });
        try {
            assert.deepEqual(await shownOrder(s.frame), WRITTEN);
            await s.close();
            assert.equal(seedOf(await s.lms(), '2004'), null, 'no seed appears in an attempt that had none');
        } finally {
            await s.dispose();
        }
    });

    // Scoring, interactions, commits and every LMS snapshot, on a shuffled
    // attempt: responses are the written ids ("a,c,e" whatever the order
    // shown), so allChecks' expectations hold only if the order changes nothing.
    for (const [ed, how, personality] of [['2004', 'right', null], ['12', 'wrong', 'moodle'], ['12', 'mixed', 'moodle'], ['2004', 'mixed', 'moodle']]) {
        test(`SCORM ${ed}, answers ${how}${personality ? `, ${personality}` : ''}: interactions, responses and score as written, every stored snapshot right`, T, async () => {
            const p = pkg(ed);
            const lms = personality ? H.personality(personality, p) : null;
            const s = await H.launch(browser, server, p, { seed: 'abc12', personality: lms });
            try {
                const mod = await H.readModule(s.frame);
                // the choices are read in the order shown: the multiple question's
                // right answers are not shown in written order with this seed
                const qm = mod.questions.find((q) => q.id === 'q-multiple');
                assert.notEqual(qm.choices.join(''), 'abcde');
                const items = H.plan(mod, WHO, how);
                const walk = await H.learn(s, items, { who: WHO });
                assert.equal(walk.visited.at(-1), '_summary');
                await s.close();
                const st = await s.lms();
                const out = finalOutcome(mod, items);
                H.assertNoProblems(assert, allChecks(st, ed, items, out), 'the shuffled attempt');
                H.assertNoProblems(assert, H.checkRecords(st, ed, { doneAt: `next from ${walk.visited.at(-2)}`,
                    outcome: { verdict: out.verdict, raw: out.raw } }), lms ? lms.name : 'scorm-again');
                const resp = H.interactions(st, ed).find((i) => i.id === 'q-multiple');
                if (how === 'right') assert.equal(resp.learner_response ?? resp.student_response, ed === '12' ? 'a,c,e' : 'a[,]c[,]e');
                assert.deepEqual(s.consoleErrors, []);
            } finally {
                await s.dispose();
            }
        });
    }

    test('Tab goes through the choices in the order shown', T, async () => {
        const p = pkg('2004');
        const s = await H.launch(browser, server, p, { seed: 'abc12' });
        try {
            const shown = await shownOrder(s.frame);
            await H.learn(s, [], { who: WHO, stopAt: '02-questions' });
            const form = s.frame.locator('form.cp-question[data-cp-question="q-multiple"]');
            await form.locator(`input[value="${shown['q-multiple'][0]}"]`).focus();
            const seen = [];
            for (let i = 0; i < 5; i++) {
                seen.push(await s.frame.evaluate(() => document.activeElement.value));
                await s.scoPage.keyboard.press('Tab');
            }
            assert.equal(seen.join(''), shown['q-multiple']);
            assert.notEqual(seen.join(''), 'abcde');
        } finally {
            await s.dispose();
        }
    });
});
