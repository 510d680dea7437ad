/* Unit tests of cp-cmi5.js's pure functions (the cmi5 launch adapter):
 * launch parameters, the context template, the statements' shapes, the verb
 * rules, the score. The whole adapter runs against a cmi5 LMS in
 * tests/runtime/cmi5.test.mjs. Run by tests/integration/runtime_js.sh. */
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const c5 = require(path.join(__dirname, '..', '..', 'assets', 'runtime', 'cp-cmi5.js'));

const ACTOR = { objectType: 'Agent', account: { homePage: 'https://lms.example', name: '42' } };

function launchQuery(order) {
    const p = { endpoint: 'https://lms.example/xapi', fetch: 'https://lms.example/fetch?k=a&b=1',
                actor: JSON.stringify(ACTOR), registration: '760e3480-ba55-4991-94b0-01820dbd23a2',
                activityId: 'https://lms.example/act/1' };
    return '?' + order.map((k) => `${k}=${encodeURIComponent(p[k])}`).join('&');
}

test('launch parameters in any order, URL-encoded (8.1)', () => {
    const a = c5.parseLaunch(launchQuery(['endpoint', 'fetch', 'actor', 'registration', 'activityId']));
    const b = c5.parseLaunch(launchQuery(['activityId', 'actor', 'registration', 'fetch', 'endpoint']) + '&other=1');
    assert.deepEqual(a, b);
    assert.equal(a.endpoint, 'https://lms.example/xapi/');      // a base: the path is added
    assert.equal(a.fetch, 'https://lms.example/fetch?k=a&b=1');
    assert.deepEqual(a.actor, ACTOR);
    assert.equal(a.registration, '760e3480-ba55-4991-94b0-01820dbd23a2');
});

test('no cmi5 launch without every parameter, or with an actor that is not JSON', () => {
    assert.equal(c5.parseLaunch(''), null);
    assert.equal(c5.parseLaunch('?role=chief&setting=ed'), null);
    assert.equal(c5.parseLaunch(launchQuery(['endpoint', 'fetch', 'actor', 'registration'])), null);
    assert.equal(c5.parseLaunch(launchQuery(['endpoint', 'fetch', 'registration', 'activityId']) + '&actor=%7Bnope'), null);
});

const TEMPLATE = {
    contextActivities: { grouping: [{ id: 'urn:coursepack:au:m:fr' }],
                         category: [{ id: 'https://lms.example/cat/x' }] },
    extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 'S1' },
    registration: 'from-the-template'
};

test('the context template is kept, never overwritten (10.2.1)', () => {
    const c = c5.contextFrom(TEMPLATE, 'R', {
        category: ['https://w3id.org/xapi/cmi5/context/categories/cmi5'],
        extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 'OTHER',
                      'https://w3id.org/xapi/cmi5/context/extensions/masteryscore': 0.8 },
        language: 'fr' });
    assert.equal(c.registration, 'from-the-template');
    assert.deepEqual(c.contextActivities.grouping, TEMPLATE.contextActivities.grouping);
    assert.deepEqual(c.contextActivities.category.map((a) => a.id),
        ['https://lms.example/cat/x', 'https://w3id.org/xapi/cmi5/context/categories/cmi5']);
    assert.equal(c.extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid'], 'S1');
    assert.equal(c.extensions['https://w3id.org/xapi/cmi5/context/extensions/masteryscore'], 0.8);
    assert.equal(c.language, 'fr');
    assert.equal(TEMPLATE.contextActivities.category.length, 1, 'the template itself is not changed');
    const bare = c5.contextFrom({ extensions: { x: 1 } }, 'R', {});
    assert.equal(bare.registration, 'R');
});

const S = { launch: { actor: ACTOR, activityId: 'https://lms.example/act/1', registration: 'R' },
            launchData: { contextTemplate: TEMPLATE }, lang: 'en', uuid: () => 'U' };

test('cmi5 defined statements: the AU as object, the cmi5 category, moveOn only with success or completion', () => {
    const init = c5.definedStatement(S, 'initialized', null, 'T');
    assert.equal(init.verb.id, 'http://adlnet.gov/expapi/verbs/initialized');
    assert.equal(init.object.id, 'https://lms.example/act/1');
    assert.equal(init.result, undefined);
    const cats = (st) => st.context.contextActivities.category.map((a) => a.id);
    assert.ok(cats(init).includes('https://w3id.org/xapi/cmi5/context/categories/cmi5'));
    assert.ok(!cats(init).includes('https://w3id.org/xapi/cmi5/context/categories/moveon'));
    const done = c5.definedStatement(S, 'completed', { completion: true, duration: 'PT1M' }, 'T');
    assert.ok(cats(done).includes('https://w3id.org/xapi/cmi5/context/categories/moveon'));
    const term = c5.definedStatement(S, 'terminated', { duration: 'PT1M' }, 'T');
    assert.ok(!cats(term).includes('https://w3id.org/xapi/cmi5/context/categories/moveon'));
});

test('answered is cmi5 allowed: the template, the AU as parent, no cmi5 category', () => {
    const st = c5.answeredStatement(S, { id: 'q-lab', type: 'choice', learner_response: 'a[,]c',
        result: 'incorrect', latency: 'PT12S', description: 'Lab?', 'correct_responses.0.pattern': 'b' }, 'T');
    assert.equal(st.verb.id, 'http://adlnet.gov/expapi/verbs/answered');
    assert.equal(st.object.id, 'https://lms.example/act/1/q-lab');
    assert.equal(st.object.definition.interactionType, 'choice');
    assert.deepEqual(st.object.definition.correctResponsesPattern, ['b']);
    assert.deepEqual(st.result, { response: 'a[,]c', success: false, duration: 'PT12S' });
    assert.deepEqual(st.context.contextActivities.parent, [{ id: 'https://lms.example/act/1', objectType: 'Activity' }]);
    assert.ok(!st.context.contextActivities.category.some((a) => a.id.includes('/categories/cmi5')));
    const neutral = c5.answeredStatement(S, { id: 'sc-x', type: 'choice', learner_response: 'a', result: 'neutral' }, 'T');
    assert.equal(neutral.result.success, undefined);
    assert.equal(c5.itemId('https://l/a?x=1', 'q 1'), 'https://l/a?x=1&item=q%201');
});

test('the score: scaled exact, raw the integer below it (9.5.1)', () => {
    assert.deepEqual(c5.scoreOf('100'), { scaled: 1, raw: 100, min: 0, max: 100 });
    assert.deepEqual(c5.scoreOf('66.67'), { scaled: 0.6667, raw: 66, min: 0, max: 100 });
    assert.deepEqual(c5.scoreOf('79.99'), { scaled: 0.7999, raw: 79, min: 0, max: 100 });
    assert.deepEqual(c5.scoreOf('80'), { scaled: 0.8, raw: 80, min: 0, max: 100 });
    assert.deepEqual(c5.scoreOf('0'), { scaled: 0, raw: 0, min: 0, max: 100 });
});

test('verb rules: once per session, completed and passed once per registration, no failed after passed, Normal mode only (9.3, 10.2.2)', () => {
    const A = c5.allowed;
    assert.equal(A('initialized', 'Normal', {}, {}), true);
    assert.equal(A('initialized', 'Normal', {}, { initialized: true }), false);
    assert.equal(A('terminated', 'Browse', {}, { initialized: true }), true);
    assert.equal(A('completed', 'Normal', {}, {}), true);
    assert.equal(A('completed', 'Normal', { completed: true }, {}), false);
    assert.equal(A('completed', 'Browse', {}, {}), false);
    assert.equal(A('passed', 'Review', {}, {}), false);
    assert.equal(A('passed', 'Normal', { passed: true }, {}), false);
    assert.equal(A('failed', 'Normal', { passed: true }, {}), false);
    assert.equal(A('failed', 'Normal', { failed: true }, {}), true, 'failed again in a new session');
    assert.equal(A('failed', 'Normal', {}, { failed: true }), false);
    assert.equal(A('passed', 'Normal', {}, { failed: true }), false, 'passed and failed in one session');
    assert.equal(A('passed', 'Normal', {}, { terminated: true }), false, 'nothing after terminated');
});
