// A cmi5 LMS for the browser tests, written from the cmi5 specification's
// LMS requirements (../shared/scorm/cmi5/cmi5_spec.md, sections 6, 8, 9, 10,
// 11), with Learning Locker's statement service (npm xapi-statements, the
// LRS of tests/integration/lrs_sync.sh, in memory on loopback) as its LRS.
//
//   import  reads cmi5.xml of an unzipped course package (AU id, url,
//           moveOn, masteryScore), generates an activity id per AU, unlike
//           the publisher id (8.1.5), the same for every launch
//   launch  a session id, the "launched" statement in the LRS (9.3.1, with
//           launchMode, launchURL, moveOn, masteryScore, launchParameters
//           in its context), LMS.LaunchData in the State API (10), a one-time
//           fetch URL (8.2), and the launch URL with endpoint, fetch, actor,
//           registration, activityId; a launch over a session that never
//           terminated first records "abandoned" for it (9.3.6)
//   fetch   POST only; the first answer holds the auth-token, every later
//           one error-code 1 (8.2.3)
//   xAPI    /xapi/: every request must carry the session's token (Basic)
//           and X-Experience-API-Version; the State API (LMS.LaunchData is
//           read-only for the AU) and the Agent Profile API are the LMS's
//           own, in memory; statements go to the LRS, which stores or
//           refuses them; "satisfied" is recorded for the course when the
//           AU's moveOn is met (9.3.9)
// Everything the AU did is recorded (requests, their answers, the LRS's
// answers), and checkAu() checks the statements the LRS holds against the
// spec's AU requirements. Each check returns a list of problems in words.

import { createServer, request } from 'node:http';
import { spawn } from 'node:child_process';
import { randomUUID, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { join, normalize, sep, extname } from 'node:path';
import { tmpdir } from 'node:os';
import { REPO } from './harness.mjs';

export const LRS_SERVER = join(REPO, 'tests', 'lrs', 'node_modules', 'xapi-statements', 'dist', 'server.js');

const V = 'http://adlnet.gov/expapi/verbs/';
const ADL = 'https://w3id.org/xapi/adl/verbs/';
export const CMI5 = {
    catCmi5: 'https://w3id.org/xapi/cmi5/context/categories/cmi5',
    catMoveOn: 'https://w3id.org/xapi/cmi5/context/categories/moveon',
    session: 'https://w3id.org/xapi/cmi5/context/extensions/sessionid',
    mastery: 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore',
    launchMode: 'https://w3id.org/xapi/cmi5/context/extensions/launchmode',
    launchUrl: 'https://w3id.org/xapi/cmi5/context/extensions/launchurl',
    moveOn: 'https://w3id.org/xapi/cmi5/context/extensions/moveon',
    launchParameters: 'https://w3id.org/xapi/cmi5/context/extensions/launchparameters',
    progress: 'https://w3id.org/xapi/cmi5/result/extensions/progress',
    courseType: 'https://w3id.org/xapi/cmi5/activitytype/course',
};
const AU_VERBS = ['initialized', 'completed', 'passed', 'failed', 'terminated'];
const LMS_VERBS = ['launched', 'abandoned', 'waived', 'satisfied'];
export const verbOf = (st) => st.verb.id.replace(V, '').replace(ADL, '');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
                '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg',
                '.svg': 'image/svg+xml', '.xml': 'application/xml' };

// ---- the LRS ------------------------------------------------------------------

/* Starts xapi-statements on a free loopback port; resolves to
 * { base: 'http://127.0.0.1:P/xAPI/', stop() }. */
export async function startLrs() {
    if (!existsSync(LRS_SERVER))
        throw new Error(`${LRS_SERVER} is missing: run tools/install-deps (npm ci in tests/lrs)`);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cp-cmi5-lrs-'));
    const child = spawn(process.execPath, [LRS_SERVER], {
        cwd: dir, stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, MODELS_REPO: 'memory', STORAGE_REPO: 'local', AUTH_REPO: 'test',
               EVENTS_REPO: 'test', EXPRESS_PORT: String(port), FS_LOCAL_STORAGE_DIR: join(dir, 'storage'),
               EXPRESS_MORGAN_DIRECTORY: join(dir, 'logs'), WINSTON_CONSOLE_LEVEL: 'error' },
    });
    let log = '';
    child.stderr.on('data', (d) => { log = (log + d).slice(-4000); });
    const base = `http://127.0.0.1:${port}/xAPI/`;
    const stop = () => { child.kill(); rmSync(dir, { recursive: true, force: true }); };
    for (let i = 0; i < 600; i++) {       // a loaded 2-core machine needs up to a minute
        if (child.exitCode !== null) break;
        try {
            const r = await http('GET', base + 'about', null, LRS_HEADERS);
            if (r.status === 200) return { base, stop };
        } catch { /* not up yet */ }
        await new Promise((ok) => setTimeout(ok, 100));
    }
    stop();
    throw new Error(`the LRS (xapi-statements) did not start:\n${log}`);
}

const LRS_HEADERS = { Authorization: 'Basic ' + Buffer.from('lms:secret').toString('base64'),
                      'X-Experience-API-Version': '1.0.3' };

function freePort() {
    return new Promise((ok, ko) => {
        const s = createServer();
        s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
        s.on('error', ko);
    });
}

/* A plain HTTP request; resolves to { status, headers, body (string) }. */
function http(method, url, body, headers = {}) {
    return new Promise((ok, ko) => {
        const u = new URL(url);
        const data = body === null || body === undefined ? null : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
        const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method,
                              headers: { ...headers, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) } },
        (res) => {
            const parts = [];
            res.on('data', (c) => parts.push(c));
            res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString() }));
        });
        req.on('error', ko);
        req.setTimeout(15000, () => req.destroy(new Error(`${method} ${url}: timeout`)));
        req.end(data);
    });
}

// ---- course structure ---------------------------------------------------------------

/* The AUs of cmi5.xml (the course structure of an unzipped package), as an
 * LMS imports them: leading and trailing white space removed (13.1). */
export function importCourse(dir) {
    const xml = readFileSync(join(dir, 'cmi5.xml'), 'utf8');
    const unesc = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const attr = (tag, name) => { const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag); return m ? unesc(m[1]).trim() : null; };
    const course = /<course\b[^>]*>/.exec(xml);
    const aus = [...xml.matchAll(/<au\b([^>]*)>([\s\S]*?)<\/au>/g)].map((m) => ({
        id: attr(m[1], 'id'),
        moveOn: attr(m[1], 'moveOn') || 'NotApplicable',
        masteryScore: attr(m[1], 'masteryScore') === null ? null : Number(attr(m[1], 'masteryScore')),
        launchMethod: attr(m[1], 'launchMethod') || 'AnyWindow',
        url: unesc(/<url>([\s\S]*?)<\/url>/.exec(m[2])[1]).trim(),
        title: unesc((/<title>\s*<langstring[^>]*>([\s\S]*?)<\/langstring>/.exec(m[2]) || [])[1] || ''),
    }));
    return { id: attr(course[0], 'id'), aus, dir };
}

// ---- the LMS ------------------------------------------------------------------------

function within(root, rel) {
    const f = normalize(join(root, rel));
    return f === root || f.startsWith(root + sep) ? f : null;
}

function agentKey(a) {
    if (typeof a === 'string') { try { a = JSON.parse(a); } catch { return null; } }
    if (!a || typeof a !== 'object') return null;
    if (a.account) return `account:${a.account.homePage}|${a.account.name}`;
    return a.mbox ? `mbox:${a.mbox}` : a.mbox_sha1sum ? `sha1:${a.mbox_sha1sum}` : a.openid ? `openid:${a.openid}` : null;
}

/* Starts the LMS on a free loopback port with lrs ({ base }) behind it.
 * contentOrigin: serve the packages from another origin (another port), as
 * LMSs that keep content on a content server do: the AU then reaches the
 * LMS cross-origin (CORS, preflights for the Authorization header). */
export async function startLms(lrs, { contentOrigin = false } = {}) {
    const state = new Map();        // "activity|agent|registration|stateId" -> JSON text
    const profiles = new Map();     // "agent|profileId" -> JSON text
    const fetches = new Map();      // key -> session
    const tokens = new Map();       // token -> session
    const mounts = new Map();       // name -> dir
    const courses = [];             // imported
    const log = [];                 // every request to the LMS: { t, method, path, status, session?, note? }
    const violations = [];          // what the AU did that an LMS must refuse
    const sessions = [];
    const satisfied = new Set();    // "registration|course id"
    const home = 'https://lms.coursepack.test';

    async function lrsPost(statements) {
        const r = await http('POST', lrs.base + 'statements', statements, LRS_HEADERS);
        if (r.status !== 200) throw new Error(`the LRS refused the LMS's own statement: HTTP ${r.status} ${r.body}`);
    }

    function lmsStatement(s, verb, extra = {}) {
        return {
            id: randomUUID(), actor: s.actor,
            verb: { id: (['abandoned', 'waived', 'satisfied'].includes(verb) ? ADL : V) + verb, display: { 'en-US': verb } },
            object: extra.object || { id: s.au.activityId, objectType: 'Activity' },
            context: {
                registration: s.registration,
                contextActivities: { category: [{ id: CMI5.catCmi5, objectType: 'Activity' }],
                                     grouping: [{ id: extra.grouping || s.au.id, objectType: 'Activity' }] },
                extensions: { [CMI5.session]: s.id, ...(extra.extensions || {}) },
            },
            ...(extra.result ? { result: extra.result } : {}),
            timestamp: new Date().toISOString(),
        };
    }

    /* 9.3.9: the AU's moveOn met by the statements of the registration. */
    async function maybeSatisfied(s) {
        const key = `${s.registration}|${s.course.id}`;
        if (satisfied.has(key)) return;
        const got = await statementsOf(s.registration);
        const course = s.course;
        const done = course.aus.every((au) => {
            const mine = got.filter((st) => st.object.id === au.activityId).map(verbOf);
            const c = mine.includes('completed'), p = mine.includes('passed');
            return { Passed: p, Completed: c, CompletedAndPassed: c && p, CompletedOrPassed: c || p,
                     NotApplicable: true }[au.moveOn];
        });
        if (!done) return;
        satisfied.add(key);
        await lrsPost([lmsStatement(s, 'satisfied', { grouping: course.id, object: { id: course.activityId,
            objectType: 'Activity', definition: { type: CMI5.courseType } } })]);
    }

    async function statementsOf(registration) {
        let url = lrs.base + 'statements?' + new URLSearchParams({ registration, limit: '500', ascending: 'true' });
        const out = [];
        for (let page = 0; page < 20 && url; page++) {
            const r = await http('GET', url, null, LRS_HEADERS);
            if (r.status !== 200) throw new Error(`GET statements: HTTP ${r.status} ${r.body}`);
            const j = JSON.parse(r.body);
            out.push(...j.statements);
            url = j.more ? new URL(j.more, lrs.base).href : null;
        }
        return out.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || (a.stored < b.stored ? -1 : 1));
    }

    const send = (res, status, body, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store',
                                'X-Experience-API-Version': '1.0.3', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };

    async function xapiRequest(req, res, url, body) {
        const path = url.pathname.slice('/xapi/'.length);
        const auth = req.headers.authorization || '';
        const s = tokens.get(auth.replace(/^Basic /, ''));
        const entry = { t: Date.now(), method: req.method, path: path + url.search, session: s?.id };
        log.push(entry);
        if (!s || !auth.startsWith('Basic ')) {
            entry.status = 401;
            violations.push(`${req.method} /xapi/${path} without the session's auth token (Authorization: ${auth ? 'another value' : 'none'})`);
            return send(res, 401, { message: 'unauthorised' });
        }
        if (req.headers['x-experience-api-version'] !== '1.0.3') {
            violations.push(`${req.method} /xapi/${path} without X-Experience-API-Version: 1.0.3`);
            entry.status = 400;
            return send(res, 400, { message: 'X-Experience-API-Version header missing' });
        }
        if (path === 'activities/state') {
            const q = url.searchParams;
            const key = [q.get('activityId'), agentKey(q.get('agent')), q.get('registration'), q.get('stateId')].join('|');
            if (req.method === 'GET' && !q.has('stateId')) {       // the list of the documents' ids
                const prefix = [q.get('activityId'), agentKey(q.get('agent')), q.get('registration')].join('|') + '|';
                entry.status = 200;
                return send(res, 200, [...state.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
            }
            if (q.get('activityId') !== s.au.activityId || agentKey(q.get('agent')) !== agentKey(s.actor) || q.get('registration') !== s.registration) {
                violations.push(`state ${req.method} for another activity, agent or registration: ${url.search}`);
                entry.status = 403;
                return send(res, 403, { message: 'not this session' });
            }
            if (q.get('stateId') === 'LMS.LaunchData' && req.method !== 'GET') {
                violations.push(`the AU tried to ${req.method} LMS.LaunchData (10.2.1: it MUST NOT modify it)`);
                entry.status = 403;
                return send(res, 403, { message: 'read-only' });
            }
            entry.stateId = q.get('stateId');
            if (req.method === 'GET') {
                entry.status = state.has(key) ? 200 : 404;
                return state.has(key) ? send(res, 200, state.get(key)) : send(res, 404, { message: 'no document' });
            }
            if (req.method === 'PUT' || req.method === 'POST') {
                let doc;
                try { doc = JSON.parse(body); } catch { entry.status = 400; return send(res, 400, { message: 'not JSON' }); }
                if (req.method === 'POST' && state.has(key)) doc = { ...JSON.parse(state.get(key)), ...doc };
                state.set(key, JSON.stringify(doc));
                entry.status = 204;
                res.writeHead(204, { 'X-Experience-API-Version': '1.0.3' });
                return res.end();
            }
            if (req.method === 'DELETE') {
                state.delete(key);
                entry.status = 204;
                res.writeHead(204);
                return res.end();
            }
        }
        if (path === 'agents/profile') {
            const q = url.searchParams;
            const key = `${agentKey(q.get('agent'))}|${q.get('profileId')}`;
            entry.profileId = q.get('profileId') || '(list)';
            if (req.method === 'GET' && !q.has('profileId')) {
                const prefix = `${agentKey(q.get('agent'))}|`;
                entry.status = 200;
                return send(res, 200, [...profiles.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
            }
            if (req.method === 'GET') {
                entry.status = profiles.has(key) ? 200 : 404;
                return profiles.has(key) ? send(res, 200, profiles.get(key)) : send(res, 404, { message: 'no document' });
            }
            entry.status = 403;        // 11.0: the LMS may refuse the AU's changes
            return send(res, 403, { message: 'read-only here' });
        }
        if (path === 'statements' && (req.method === 'POST' || req.method === 'PUT')) {
            let list;
            try { list = JSON.parse(body); } catch { entry.status = 400; return send(res, 400, { message: 'not JSON' }); }
            list = Array.isArray(list) ? list : [list];
            for (const st of list) {
                if (verbOf(st) === 'voided' || st.object?.objectType === 'StatementRef')
                    violations.push('the AU sent a voiding statement (6.3: no permission to void)');
                if (s.terminatedAt && Date.now() - s.terminatedAt > 2000)
                    violations.push(`"${verbOf(st)}" arrived ${Date.now() - s.terminatedAt} ms after "terminated" (the LMS rejects statements after its wait, 9.3.8)`);
                s.received.push({ at: Date.now(), statement: st });
                if (verbOf(st) === 'terminated') s.terminatedAt = Date.now();
            }
            const r = await http(req.method, lrs.base + 'statements' + url.search, body, LRS_HEADERS);
            entry.status = r.status;
            entry.lrs = r.status === 200 || r.status === 204 ? 'stored' : r.body;
            s.lrsAnswers.push({ status: r.status, body: r.body, verbs: list.map(verbOf) });
            if (r.status === 200 || r.status === 204) await maybeSatisfied(s).catch((e) => violations.push(String(e)));
            return send(res, r.status, r.body);
        }
        if (path === 'statements' && req.method === 'GET') {
            const r = await http('GET', lrs.base + 'statements' + url.search, null, LRS_HEADERS);
            entry.status = r.status;
            return send(res, r.status, r.body);
        }
        if (path === 'about') { entry.status = 200; return send(res, 200, { version: ['1.0.3'] }); }
        entry.status = 404;
        return send(res, 404, { message: 'no such resource' });
    }

    const server = createServer((req, res) => {
        const parts = [];
        req.on('data', (c) => parts.push(c));
        req.on('end', async () => {
            const body = Buffer.concat(parts).toString();
            const url = new URL(req.url, 'http://x');
            const p = decodeURIComponent(url.pathname);
            try {
                if (p.startsWith('/xapi/') || p.startsWith('/lms/fetch/')) {
                    // the endpoint and the fetch URL answer any origin (xAPI over CORS)
                    res.setHeader('Access-Control-Allow-Origin', '*');
                    if (req.method === 'OPTIONS') {
                        log.push({ t: Date.now(), method: 'OPTIONS', path: p });
                        res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE',
                            'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Experience-API-Version',
                            'Access-Control-Max-Age': '600' });
                        return res.end();
                    }
                }
                if (p.startsWith('/xapi/')) return await xapiRequest(req, res, url, body);
                if (p.startsWith('/lms/fetch/')) {
                    const s = fetches.get(p.slice('/lms/fetch/'.length));
                    log.push({ t: Date.now(), method: req.method, path: '/lms/fetch', session: s?.id });
                    if (!s) return send(res, 200, { 'error-code': '2', 'error-text': 'Unknown fetch URL.' });
                    s.fetches.push(req.method);
                    if (req.method !== 'POST') {
                        violations.push(`the fetch URL was requested with ${req.method} (8.2.1: POST only)`);
                        return send(res, 200, { 'error-code': '3', 'error-text': 'Use POST.' });
                    }
                    if (s.tokenIssued) return send(res, 200, { 'error-code': '1', 'error-text': 'The authorization token has already been returned.' });
                    s.tokenIssued = true;
                    return send(res, 200, { 'auth-token': s.token });
                }
                if (p === '/lms/host.html') {
                    res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
                    return res.end('<!DOCTYPE html><html><head><meta charset="utf-8"><title>cmi5 test LMS</title>' +
                        '<style>body{margin:0}iframe{border:0;width:100%;height:95vh}</style></head><body></body></html>');
                }
                if (p === '/lms/return.html') {
                    log.push({ t: Date.now(), method: req.method, path: '/lms/return.html' + url.search });
                    res.writeHead(200, { 'content-type': TYPES['.html'] });
                    return res.end('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Back in the LMS</title></head><body><p id="lms-return">Back in the LMS</p></body></html>');
                }
                if (p.startsWith('/pkg/')) {
                    const [name, ...rest] = p.slice(5).split('/');
                    const f = mounts.has(name) ? within(mounts.get(name), rest.join('/')) : null;
                    if (f && existsSync(f) && statSync(f).isFile()) {
                        res.writeHead(200, { 'content-type': TYPES[extname(f)] || 'application/octet-stream', 'cache-control': 'no-store' });
                        return res.end(readFileSync(f));
                    }
                }
                if (p === '/favicon.ico') { res.writeHead(204); return res.end(); }
                res.writeHead(404, { 'content-type': 'text/plain' });
                res.end('not found');
            } catch (e) {
                violations.push(`the LMS failed on ${req.method} ${p}: ${e.stack || e}`);
                send(res, 500, { message: String(e) });
            }
        });
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${server.address().port}`;
    let content = null, contentBase = base;
    if (contentOrigin) {
        content = createServer((req, res) => server.emit('request', req, res));
        await new Promise((ok) => content.listen(0, '127.0.0.1', ok));
        contentBase = `http://127.0.0.1:${content.address().port}`;
    }

    return {
        base, log, violations, sessions, home,
        /* Imports an unzipped course package: its AUs get activity ids. */
        import(dir) {
            const c = importCourse(dir);
            const name = `c${courses.length}`;
            mounts.set(name, dir);
            c.activityId = `${home}/courses/${randomUUID()}`;
            for (const au of c.aus) au.activityId = `${home}/activities/${randomUUID()}`;
            c.mount = `${contentBase}/pkg/${name}/`;
            courses.push(c);
            return c;
        },
        /* A learner (an xAPI account, no personal data) and their enrollment. */
        learner(name = '1625378') {
            return { actor: { objectType: 'Agent', account: { homePage: home, name } }, registration: randomUUID() };
        },
        /* Prepares a launch of au for the enrollment; returns the session with
         * its launch URL. opts: launchMode, masteryScore (the LMS's own, 10.2.4),
         * returnURL, launchParameters, preferences (cmi5LearnerPreferences). */
        async launch(course, au, who, opts = {}) {
            // an earlier session of this AU and registration that never terminated
            for (const old of sessions.filter((x) => x.au === au && x.registration === who.registration && !x.terminatedAt && !x.abandoned)) {
                old.abandoned = true;
                const last = old.received.length ? old.received[old.received.length - 1].at : old.launchedAt;
                await lrsPost([lmsStatement(old, 'abandoned', { result: { duration: `PT${Math.max(0, (last - old.launchedAt) / 1000).toFixed(2)}S` } })]);
            }
            const s = { id: randomUUID(), course, au, actor: who.actor, registration: who.registration,
                        token: randomBytes(18).toString('base64'), fetchKey: randomUUID(), fetches: [],
                        received: [], lrsAnswers: [], launchedAt: Date.now(), tokenIssued: false,
                        launchMode: opts.launchMode || 'Normal',
                        masteryScore: 'masteryScore' in opts ? opts.masteryScore : au.masteryScore };
            tokens.set(s.token, s);
            fetches.set(s.fetchKey, s);
            sessions.push(s);
            const auUrl = course.mount + au.url;
            const launchData = {
                contextTemplate: { contextActivities: { grouping: [{ id: au.id, objectType: 'Activity' }] },
                                   extensions: { [CMI5.session]: s.id } },
                launchMode: s.launchMode, moveOn: au.moveOn,
                ...(s.masteryScore !== null && s.masteryScore !== undefined ? { masteryScore: s.masteryScore } : {}),
                ...(opts.returnURL ? { returnURL: opts.returnURL } : {}),
                ...(opts.launchParameters ? { launchParameters: opts.launchParameters } : {}),
            };
            s.launchData = launchData;
            state.set([au.activityId, agentKey(who.actor), who.registration, 'LMS.LaunchData'].join('|'), JSON.stringify(launchData));
            if (opts.preferences) profiles.set(`${agentKey(who.actor)}|cmi5LearnerPreferences`, JSON.stringify(opts.preferences));
            const ext = { [CMI5.launchMode]: s.launchMode, [CMI5.launchUrl]: auUrl, [CMI5.moveOn]: au.moveOn };
            if (launchData.masteryScore !== undefined) ext[CMI5.mastery] = launchData.masteryScore;
            if (opts.launchParameters) ext[CMI5.launchParameters] = opts.launchParameters;
            await lrsPost([lmsStatement(s, 'launched', { extensions: ext })]);
            const q = new URLSearchParams({ endpoint: `${base}/xapi/`, fetch: `${base}/lms/fetch/${s.fetchKey}`,
                                            actor: JSON.stringify(who.actor), registration: who.registration,
                                            activityId: au.activityId });
            s.url = auUrl + (auUrl.includes('?') ? '&' : '?') + q.toString();
            return s;
        },
        statementsOf,
        /* The AU's own state document of a session's registration, or null. */
        auState(s, stateId = 'coursepack.attempt') {
            const v = state.get([s.au.activityId, agentKey(s.actor), s.registration, stateId].join('|'));
            return v ? JSON.parse(v) : null;
        },
        close: async () => {
            if (content) await new Promise((ok) => { content.closeAllConnections?.(); content.close(ok); });
            await new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); });
        },
    };
}

// ---- the AU requirements, checked on what the LRS holds -----------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const DURATION = /^P(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$/;
export const seconds = (d) => {
    const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(d || '');
    return m ? Number(m[1] || 0) * 3600 + Number(m[2] || 0) * 60 + Number(m[3] || 0) : NaN;
};

/* Every problem with the statements of one registration for one AU
 * (`statements`: what the LRS holds, any order), by the spec's AU
 * requirements: per session (7.1, 9.3 ordering, 9.4-9.7 shapes) and per
 * registration (9.3). sessions: the LMS's sessions of that AU. */
export function checkAu(statements, au, sessions) {
    const p = [];
    const mine = statements.filter((st) => st.object?.id === au.activityId || st.context?.contextActivities?.parent?.some((a) => a.id === au.activityId))
        .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    const show = (st) => `"${verbOf(st)}" (${st.timestamp})`;
    for (const s of sessions) {
        const ofSession = mine.filter((st) => st.context?.extensions?.[CMI5.session] === s.id);
        const byAu = ofSession.filter((st) => !LMS_VERBS.includes(verbOf(st)));
        const where = `session ${s.id.slice(0, 8)}`;
        if (s.abandoned) {
            if (!ofSession.some((st) => verbOf(st) === 'abandoned')) p.push(`${where}: abandoned by the LMS but no "abandoned" statement`);
        }
        if (!byAu.length) { if (!s.abandoned) p.push(`${where}: the AU sent nothing (no "initialized")`); continue; }
        if (verbOf(byAu[0]) !== 'initialized') p.push(`${where}: the first statement is ${show(byAu[0])}, not "initialized" (7.1.1)`);
        const last = byAu[byAu.length - 1];
        if (!s.abandoned && verbOf(last) !== 'terminated') p.push(`${where}: the last statement is ${show(last)}, not "terminated" (7.1.2)`);
        const defined = byAu.filter((st) => st.context?.contextActivities?.category?.some((a) => a.id === CMI5.catCmi5));
        const count = (v) => defined.filter((st) => verbOf(st) === v).length;
        for (const v of AU_VERBS) if (count(v) > 1) p.push(`${where}: "${v}" ${count(v)} times in one session (9.3: no verb twice)`);
        if (count('passed') && count('failed')) p.push(`${where}: both "passed" and "failed" (9.3)`);
        if (s.launchMode !== 'Normal') {
            for (const st of defined) if (!['initialized', 'terminated'].includes(verbOf(st))) p.push(`${where}: ${show(st)} in ${s.launchMode} mode (10.2.2: only initialized and terminated)`);
        }
        for (const st of byAu) {
            const v = verbOf(st), w = `${where}: ${show(st)}`;
            const isDefined = defined.includes(st);
            if (!UUID.test(st.id || '')) p.push(`${w}: id ${st.id} is not a UUID (9.1)`);
            if (!/Z$|\+00:00$/.test(st.timestamp || '')) p.push(`${w}: timestamp not in UTC (9.7)`);
            if (JSON.stringify(st.actor?.account) !== JSON.stringify(s.actor.account)) p.push(`${w}: actor is not the launch actor (9.2)`);
            if (st.context?.registration !== s.registration) p.push(`${w}: registration ${st.context?.registration}, expected the launch's (9.6.1)`);
            if (!st.context?.contextActivities?.grouping?.some((a) => a.id === au.id)) p.push(`${w}: the publisher id ${au.id} is not in contextActivities.grouping (the context template, 9.6.2)`);
            if (isDefined) {
                if (!AU_VERBS.includes(v)) p.push(`${w}: not a verb an AU defines in cmi5`);
                if (st.object.id !== au.activityId) p.push(`${w}: object ${st.object.id} is not the AU's activityId (9.4)`);
                const r = st.result || {};
                if (r.score !== undefined && !['passed', 'failed'].includes(v)) p.push(`${w}: a score (9.5.1: only passed and failed)`);
                if (v === 'passed' && r.success !== true) p.push(`${w}: success is not true (9.5.2)`);
                if (v === 'failed' && r.success !== false) p.push(`${w}: success is not false (9.5.2)`);
                if (!['passed', 'failed'].includes(v) && r.success !== undefined) p.push(`${w}: has success (9.5.2)`);
                if (v === 'completed' && r.completion !== true) p.push(`${w}: completion is not true (9.5.3)`);
                if (v !== 'completed' && r.completion !== undefined) p.push(`${w}: has completion (9.5.3)`);
                const moveon = st.context.contextActivities.category.some((a) => a.id === CMI5.catMoveOn);
                if (moveon !== (r.success !== undefined || r.completion !== undefined)) p.push(`${w}: the moveOn category ${moveon ? 'without' : 'missing with'} success or completion (9.6.2.2)`);
                if (['terminated', 'completed', 'passed', 'failed'].includes(v) && !DURATION.test(r.duration || '')) p.push(`${w}: no ISO 8601 duration (9.5.4), got ${JSON.stringify(r.duration)}`);
                if (['passed', 'failed'].includes(v)) {
                    const ms = s.launchData.masteryScore;
                    if (ms !== undefined && st.context.extensions?.[CMI5.mastery] !== ms) p.push(`${w}: masteryScore extension ${st.context.extensions?.[CMI5.mastery]}, expected the launch data's ${ms} (9.6.3.2)`);
                    const sc = r.score;
                    if (sc) {
                        if (ms !== undefined && sc.scaled !== undefined && (v === 'passed') !== (sc.scaled >= ms)) p.push(`${w}: scaled ${sc.scaled} against masteryScore ${ms} (9.3.4/9.3.5)`);
                        if (sc.raw !== undefined && (!Number.isInteger(sc.raw) || sc.min === undefined || sc.max === undefined || sc.raw < sc.min || sc.raw > sc.max)) p.push(`${w}: raw ${sc.raw} is not an integer between min and max (9.5.1)`);
                    }
                }
            } else if (st !== byAu[0] && st !== last && !(Date.parse(st.timestamp) >= Date.parse(byAu[0].timestamp) && Date.parse(st.timestamp) <= Date.parse(last.timestamp))) {
                p.push(`${w}: a cmi5 allowed statement outside initialized..terminated (7.1.3)`);
            }
            if (st.context?.extensions?.[CMI5.session] !== s.id) p.push(`${w}: sessionid is not the launch's (9.6.3.1)`);
        }
        const term = byAu.find((st) => verbOf(st) === 'terminated');
        const init = byAu.find((st) => verbOf(st) === 'initialized');
        if (term && init) {
            const wall = (Date.parse(term.timestamp) - Date.parse(init.timestamp)) / 1000;
            const d = seconds(term.result?.duration);
            if (!(Math.abs(d - wall) <= 2)) p.push(`${where}: terminated's duration ${term.result?.duration} (${d} s) is not the time since initialized (${wall.toFixed(2)} s) (9.5.4.1)`);
        }
        if (s.fetches.filter((m) => m === 'POST').length !== 1) p.push(`${where}: the fetch URL was POSTed ${s.fetches.filter((m) => m === 'POST').length} times, expected once (8.2.1)`);
        for (const a of s.lrsAnswers) if (a.status !== 200 && a.status !== 204) p.push(`${where}: the LRS refused [${a.verbs.join(', ')}]: HTTP ${a.status} ${a.body.slice(0, 300)}`);
    }
    for (const st of mine) {
        if (LMS_VERBS.includes(verbOf(st))) continue;
        const sid = st.context?.extensions?.[CMI5.session];
        if (!sessions.some((x) => x.id === sid)) p.push(`${show(st)}: its sessionid ${JSON.stringify(sid)} is no launch's (9.6.3.1: the template's value)`);
    }
    // per registration (9.3)
    const defined = mine.filter((st) => st.object.id === au.activityId && st.context?.contextActivities?.category?.some((a) => a.id === CMI5.catCmi5));
    const all = (v) => defined.filter((st) => verbOf(st) === v);
    if (all('completed').length > 1) p.push(`"completed" ${all('completed').length} times in the registration (9.3: at most once)`);
    if (all('passed').length > 1) p.push(`"passed" ${all('passed').length} times in the registration (9.3: at most once)`);
    const firstPass = all('passed')[0];
    if (firstPass && all('failed').some((f) => Date.parse(f.timestamp) > Date.parse(firstPass.timestamp))) p.push('"failed" after "passed" in the registration (9.3)');
    return p;
}
