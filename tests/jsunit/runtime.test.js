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
                    n: { 0: 'a9z', 2: '0' } };
    for (let i = 0; i < 37; i++)
        state.seen.push(i % 3 === 0);
    const back = rt.decodeSuspend(rt.encodeSuspend(state), 37);
    assert.deepEqual(back, state);
    assert.equal(rt.decodeSuspend(''), null);
    assert.equal(rt.decodeSuspend('{"old":1}'), null);
    assert.equal(rt.decodeSuspend(undefined), null);
    const junk = rt.decodeSuspend('v1|c=x.y|s=!|q=0:a;bad;2:|n=zz', 3);
    assert.deepEqual(junk, { role: -1, setting: -1, seen: [false, false, false], q: { 0: 'a' }, n: {} });
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
