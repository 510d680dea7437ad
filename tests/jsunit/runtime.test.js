/* Unit tests of cp-runtime.js's pure functions (time formats, suspend data,
 * response formats, score and status), loaded through its CommonJS export.
 * Run by tests/integration/runtime_js.sh: node --test tests/jsunit/ */
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const rt = require(path.join(__dirname, '..', '..', 'assets', 'runtime', 'cp-runtime.js'));

test('SCORM 1.2 CMITimespan HHHH:MM:SS.SS', () => {
    assert.equal(rt.formatTime12(0), '0000:00:00.00');
    assert.equal(rt.formatTime12(1234), '0000:00:01.23');
    assert.equal(rt.formatTime12(3723456), '0001:02:03.46');
    assert.equal(rt.formatTime12(99 * 3600000), '0099:00:00.00');
    assert.equal(rt.formatTime12(20000 * 3600000), '9999:59:59.99');
    assert.equal(rt.formatTime12(-5), '0000:00:00.00');
    for (const ms of [0, 5, 999, 61000, 3599999, 86400000])
        assert.match(rt.formatTime12(ms), /^\d{4}:[0-5]\d:[0-5]\d\.\d{2}$/);
});

test('SCORM 2004 duration, at most 2 decimals', () => {
    assert.equal(rt.formatDuration2004(0), 'PT0S');
    assert.equal(rt.formatDuration2004(1500), 'PT1.5S');
    assert.equal(rt.formatDuration2004(1234), 'PT1.23S');
    assert.equal(rt.formatDuration2004(3723456), 'PT1H2M3.46S');
    assert.equal(rt.formatDuration2004(60000), 'PT1M0S');
    assert.equal(rt.formatDuration2004(30 * 3600000), 'PT30H0S');
    for (const ms of [1, 10, 1009, 123456789])
        assert.match(rt.formatDuration2004(ms), /^PT(\d+H)?(\d+M)?\d+(\.\d{1,2})?S$/);
});

test('timestamps: 2004 UTC with fraction and Z, 1.2 time of day', () => {
    const d = new Date(Date.UTC(2026, 10, 28, 3, 4, 5, 678));
    assert.equal(rt.timestamp2004(d), '2026-11-28T03:04:05.6Z');
    assert.match(rt.time12(d), /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/);
});

test('suspend data encodes in the documented format', () => {
    const seen = [true, false, true, true, false, true, true];
    const s = rt.encodeSuspend({ role: 1, setting: 0, seen, q: { 0: 'b', 3: 'ac' },
                                 n: { 1: 'ad' } });
    /* pages 0..4: bits 1+4+8 = 13 = 'd'; pages 5..6: 1+2 = 3 */
    assert.equal(s, 'v1|c=1.0|s=d3|q=0:b;3:ac|n=1:ad');
    assert.equal(rt.encodeSuspend({ role: -1, setting: -1, seen: [false, false], q: {}, n: {} }),
                 'v1|c=-.-|s=|q=|n=');
    /* trailing zero digits are dropped */
    const late = new Array(12).fill(false);
    late[0] = true;
    assert.equal(rt.encodeSuspend({ role: -1, setting: -1, seen: late, q: {}, n: {} }),
                 'v1|c=-.-|s=1|q=|n=');
});

test('suspend data round-trips and rejects foreign values', () => {
    const state = { role: 11, setting: -1, seen: [], q: { 0: 'a', 12: 'abcdefghijklmnopqrstuvwxyz' },
                    n: { 0: 'a9z', 2: '0' }, o: 0xFFFFFFFF };
    for (let i = 0; i < 37; i++)
        state.seen.push(i % 3 === 0);
    const back = rt.decodeSuspend(rt.encodeSuspend(state), 37);
    assert.deepEqual(back, state);
    assert.equal(rt.decodeSuspend(''), null);
    assert.equal(rt.decodeSuspend('{"old":1}'), null);
    assert.equal(rt.decodeSuspend(undefined), null);
    const junk = rt.decodeSuspend('v1|c=x.y|s=!|q=0:a;bad;2:|n=zz', 3);
    assert.deepEqual(junk, { role: -1, setting: -1, seen: [false, false, false], q: { 0: 'a' }, n: {}, o: 0 });
});

test('suspend data keeps the seed of the choice order as o=, base 32', () => {
    const base = { role: -1, setting: -1, seen: [true], q: {}, n: {} };
    assert.equal(rt.encodeSuspend({ ...base, o: 0 }), 'v1|c=-.-|s=1|q=|n=');
    assert.equal(rt.encodeSuspend({ ...base, o: 1 }), 'v1|c=-.-|s=1|q=|n=|o=1');
    assert.equal(rt.encodeSuspend({ ...base, o: 0xFFFFFFFF }), 'v1|c=-.-|s=1|q=|n=|o=3vvvvvv');
    assert.equal(rt.decodeSuspend('v1|c=-.-|s=1|q=|n=|o=abc12', 1).o, parseInt('abc12', 32));
    /* an attempt saved before orders were kept: as written */
    assert.equal(rt.decodeSuspend('v1|c=-.-|s=1|q=|n=', 1).o, 0);
    for (const bad of ['4000000', 'w', '', '12345678', '-1', 'A'])
        assert.equal(rt.decodeSuspend(`v1|c=-.-|s=1|q=|n=|o=${bad}`, 1).o, 0, bad);
});

test('choice order: a permutation per seed and item, fixed choices in place, seed 0 as written', () => {
    const isPerm = (o, n) => o.length === n && [...o].sort((a, b) => a - b).every((v, i) => v === i);
    assert.deepEqual(rt.choiceOrder(0, 'q-a', 5), [0, 1, 2, 3, 4]);
    let moved = 0;
    const seen = new Set();
    for (let seed = 1; seed <= 200; seed++) {
        const o = rt.choiceOrder(seed, 'q-a', 5, [false, false, false, false, true]);
        assert.ok(isPerm(o, 5), `seed ${seed}: ${o}`);
        assert.equal(o[4], 4, `seed ${seed}: the fixed choice moved`);
        assert.deepEqual(rt.choiceOrder(seed, 'q-a', 5, [false, false, false, false, true]), o, 'not stable');
        if (o.join() !== '0,1,2,3,4') moved++;
        seen.add(o.join());
    }
    /* 24 orders of the 4 free choices: 200 seeds reach nearly all of them */
    assert.ok(seen.size >= 20, `only ${seen.size} orders`);
    assert.ok(moved > 180, `only ${moved} of 200 seeds moved anything`);
    /* another item, same seed: another order (most of the time) */
    let differ = 0;
    for (let seed = 1; seed <= 50; seed++)
        if (rt.choiceOrder(seed, 'q-a', 6).join() !== rt.choiceOrder(seed, 'q-b', 6).join()) differ++;
    assert.ok(differ > 40, `q-a and q-b share their order for ${50 - differ} of 50 seeds`);
    /* fewer than two free choices: nothing to move */
    assert.deepEqual(rt.choiceOrder(7, 'q', 3, [true, false, true]), [0, 1, 2]);
    assert.deepEqual(rt.choiceOrder(7, 'q', 1), [0]);
    assert.deepEqual(rt.choiceOrder(7, 'q', 0), []);
});

test('choice order: known values of src/shuffle.c (the same algorithm)', () => {
    /* From build/tests/tools/cp_order on tests/fixtures/shuffle-module, seed
     * "abc12"; tests/runtime/shuffle.test.mjs compares the two on every item. */
    const seed = rt.parseSeed('abc12');
    const letters = (o) => o.map((i) => 'abcdefghijklmnopqrstuvwxyz'[i]).join('');
    assert.equal(letters(rt.choiceOrder(seed, 'q-first', 4)), 'dabc');
    assert.equal(letters(rt.choiceOrder(seed, 'q-all-above', 4, [false, false, false, true])), 'cbad');
    assert.equal(letters(rt.choiceOrder(seed, 'sc-handover/call', 3)), 'bca');
});

test('worst-case suspend data stays compact (1.2 limit)', () => {
    /* 40 pages, 60 multiple questions with 8 choices, 5 scenarios of 6 steps */
    const state = { role: 3, setting: 2, seen: new Array(40).fill(true), q: {}, n: {} };
    for (let i = 0; i < 60; i++)
        state.q[i] = 'abcdefgh';
    for (let i = 0; i < 5; i++)
        state.n[i] = 'abcdef';
    const s = rt.encodeSuspend(state);
    const expect = 'v1|c=3.2|s='.length + 8 + '|q='.length +
        (10 * 2 + 50 * 3) + 60 * 8 + 59 + '|n='.length + 5 * (2 + 6) + 4;
    assert.equal(s.length, expect);
    assert.ok(s.length <= 4096);
});

test('response formats per edition', () => {
    assert.equal(rt.formatResponse('12', 'single', ['b']), 'b');
    assert.equal(rt.formatResponse('12', 'multiple', ['a', 'c']), 'a,c');
    assert.equal(rt.formatResponse('2004', 'multiple', ['a', 'c']), 'a[,]c');
    assert.equal(rt.formatResponse('12', 'truefalse', ['a']), 't');
    assert.equal(rt.formatResponse('12', 'truefalse', ['b']), 'f');
    assert.equal(rt.formatResponse('2004', 'truefalse', ['a']), 'true');
    assert.equal(rt.formatResponse('2004', 'truefalse', ['b']), 'false');
    assert.equal(rt.interactionType('truefalse'), 'true-false');
    assert.equal(rt.interactionType('multiple'), 'choice');
    assert.equal(rt.formatResult('12', 'wrong'), 'wrong');
    assert.equal(rt.formatResult('2004', 'wrong'), 'incorrect');
    assert.equal(rt.formatResult('2004', 'correct'), 'correct');
    assert.equal(rt.formatResult('12', 'partial'), 'neutral');
});

test('score: weights, partial is half, only answered count as got', () => {
    let sc = rt.computeScore([{ weight: 2, result: 'correct' }, { weight: 1, result: 'wrong' },
                              { weight: 2, result: 'partial' }]);
    assert.equal(sc.raw, 60);
    assert.equal(sc.complete, true);
    sc = rt.computeScore([{ weight: 1, result: 'correct' }, { weight: 2, result: null }]);
    assert.equal(sc.raw, 33.33);
    assert.equal(sc.complete, false);
    assert.equal(rt.computeScore([]).raw, null);
});

test('status: nothing completed, passed or failed before the path is seen and every item answered', () => {
    const all = rt.computeScore([{ weight: 1, result: 'correct' }, { weight: 1, result: 'wrong' }]);
    /* every item answered, a page of the path not seen yet: no verdict */
    assert.deepEqual(rt.computeStatus(all, 50, false),
                     { lesson: 'incomplete', completion: 'incomplete', success: 'unknown', done: false });
    assert.deepEqual(rt.computeStatus(all, 80, true),
                     { lesson: 'failed', completion: 'completed', success: 'failed', done: true });
    assert.deepEqual(rt.computeStatus(all, 50, true),
                     { lesson: 'passed', completion: 'completed', success: 'passed', done: true });
    /* the path seen, a scored item left: still nothing final in either edition */
    const some = rt.computeScore([{ weight: 1, result: 'correct' }, { weight: 1, result: null }]);
    assert.deepEqual(rt.computeStatus(some, 50, true),
                     { lesson: 'incomplete', completion: 'incomplete', success: 'unknown', done: false });
    assert.equal(rt.computeStatus(some, 50, false).lesson, 'incomplete');
    /* nothing scored: completed once every page of the path is seen */
    assert.deepEqual(rt.computeStatus(rt.computeScore([]), 80, true),
                     { lesson: 'completed', completion: 'completed', success: 'unknown', done: true });
    assert.equal(rt.computeStatus(rt.computeScore([]), 80, false).lesson, 'incomplete');
    /* the pass mark is inclusive */
    const half = rt.computeScore([{ weight: 1, result: 'correct' }, { weight: 1, result: 'wrong' }]);
    assert.equal(rt.computeStatus(half, 50, true).success, 'passed');
});

test('2004 progress: 0 until the path is known, below 1 until done, 1 when done', () => {
    const none = rt.computeScore([{ weight: 1, result: null }, { weight: 2, result: null }]);
    assert.equal(rt.computeProgress(1, 1, none, false, false), 0);     /* on the chooser */
    assert.equal(rt.computeProgress(5, 2, none, true, false), 0.2857); /* 2 of 5 pages, 0 of 2 items */
    const one = rt.computeScore([{ weight: 1, result: 'wrong' }, { weight: 2, result: null }]);
    assert.equal(rt.computeProgress(5, 5, one, true, false), 0.8571);  /* every page, 1 of 2 items */
    /* never rounded up to 1 before the end */
    const many = rt.computeScore(Array.from({ length: 19999 }, () => ({ weight: 1, result: 'correct' }))
        .concat([{ weight: 1, result: null }]));
    assert.equal(rt.computeProgress(1, 1, many, true, false), 0.9999);
    assert.equal(rt.computeProgress(5, 5, rt.computeScore([]), true, true), 1);
});

test('context from launch data or query string', () => {
    assert.deepEqual(rt.parseContext('role=chief&setting=ed'), { role: 'chief', setting: 'ed' });
    assert.deepEqual(rt.parseContext('?lang=fr&role=physician'), { role: 'physician' });
    assert.deepEqual(rt.parseContext('role=%E0'), {});
    assert.deepEqual(rt.parseContext(''), {});
});

test('1.2 comments: the new entry only, after a new line when the LMS holds some', () => {
    assert.equal(rt.commentAddition('', 'r-a', 'first'), '[r-a] first');
    assert.equal(rt.commentAddition('[r-a] first', 'r-b', 'second'), '\n[r-b] second');
    /* what an LMS that appends then holds reads back as both reflections */
    const held = rt.commentAddition('', 'r-a', 'first') + rt.commentAddition('[r-a] first', 'r-b', 'two\nlines');
    assert.deepEqual(rt.parseComments(held, ['r-a', 'r-b']), { 'r-a': 'first', 'r-b': 'two\nlines' });
});

test('1.2 comments read back per reflection', () => {
    const s = [rt.commentEntry('r-a', 'first\nline two'), 'someone else', rt.commentEntry('r-b', 'x [r-a] y')]
        .join('\n');
    assert.deepEqual(rt.parseComments(s, ['r-a', 'r-b', 'r-c']),
                     { 'r-a': 'first\nline two\nsomeone else', 'r-b': 'x [r-a] y' });
    assert.deepEqual(rt.parseComments('', ['r-a']), {});
});

test('sameSet compares selections exactly', () => {
    assert.ok(rt.sameSet(['c', 'a'], ['a', 'c']));
    assert.ok(!rt.sameSet(['a'], ['a', 'c']));
    assert.ok(!rt.sameSet(['a', 'b'], ['a', 'c']));
});
