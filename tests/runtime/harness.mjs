// The run-time harness: a loopback LMS built on scorm-again, a learner that
// clicks through a coursepack package in headless Chromium, and the checks an
// LMS administrator cares about. Each check returns a list of problems in
// plain words ("LMSSetValue(cmi.core.lesson_status, "complete") -> scorm-again
// error 405 ..."), so a failing test says what is wrong, not just "false".
//
// Everything is bounded in time: every wait has a timeout, the learner takes
// at most MAX_STEPS actions, and the browser is launched once per test file.

import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync, statSync, copyFileSync, rmSync } from 'node:fs';
import { join, dirname, extname, normalize, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const SA_DIST = join(HERE, 'node_modules', 'scorm-again', 'dist');
export const REAL_RUNTIME = join(REPO, 'assets', 'runtime', 'cp-runtime.js');
export const REF_RUNTIME = join(HERE, 'fixtures', 'ref-runtime.js');
export const MINI = join(HERE, 'fixtures', 'mini');

export const WAIT = Number(process.env.CP_RT_WAIT || 15000);  // ms: the longest any single UI reaction may take (a loaded 2-core machine needs seconds)
const MAX_STEPS = 400;      // learner actions per session

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';

// ---- browser --------------------------------------------------------------

export async function launchBrowser() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        timeout: 30000,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--no-first-run',
               '--disable-popup-blocking'],
    });
}

// ---- server ---------------------------------------------------------------

const TYPES = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg',
    '.svg': 'image/svg+xml', '.xml': 'application/xml', '.json': 'application/json',
};

/* A static server on 127.0.0.1, random port. /lms.html is the LMS page,
 * /_sa/ is scorm-again's dist, /pkg/<name>/ a mounted package directory. */
export async function startServer() {
    const mounts = new Map();
    const server = createServer((req, res) => {
        const url = new URL(req.url, 'http://x');
        let file = null;
        const p = decodeURIComponent(url.pathname);
        if (p === '/lms.html') {
            const lib = url.searchParams.get('ed') === '12' ? 'scorm12.min.js' : 'scorm2004.min.js';
            const html = readFileSync(join(HERE, 'lms.html'), 'utf8')
                .replace('<!--SCORM-AGAIN-->', `<script src="/_sa/${lib}"></script>`);
            res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
            res.end(html);
            return;
        }
        else if (p.startsWith('/_sa/')) file = within(SA_DIST, p.slice(5));
        else if (p === '/favicon.ico') { res.writeHead(204); res.end(); return; }
        else if (p.startsWith('/pkg/')) {
            const [name, ...rest] = p.slice(5).split('/');
            if (mounts.has(name)) file = within(mounts.get(name), rest.join('/'));
        }
        if (!file || !existsSync(file) || !statSync(file).isFile()) {
            res.writeHead(404, { 'content-type': 'text/plain' });
            res.end('not found');
            return;
        }
        res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream',
                             'cache-control': 'no-store' });
        res.end(readFileSync(file));
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${server.address().port}`;
    let n = 0;
    return {
        base,
        mount(dir) { const name = `p${n++}`; mounts.set(name, dir); return `${base}/pkg/${name}/`; },
        close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
    };
}

function within(root, rel) {
    const f = normalize(join(root, rel));
    return f === root || f.startsWith(root + sep) ? f : null;
}

// ---- packages -------------------------------------------------------------

export function tempDir(tag) {
    return mkdtempSync(join(tmpdir(), `cp-rt-${tag}-`));
}

/* Extracts a package zip; returns { dir, edition, href, name }. */
export function openZip(zip) {
    const dir = tempDir('pkg');
    execFileSync('unzip', ['-q', '-o', zip, '-d', dir], { timeout: 30000 });
    return describePackage(dir, zip);
}

/* Reads what an LMS reads from the manifest: the edition and the SCO's href. */
export function describePackage(dir, name = dir) {
    const mf = join(dir, 'imsmanifest.xml');
    if (!existsSync(mf)) throw new Error(`${name}: no imsmanifest.xml at the package root`);
    const xml = readFileSync(mf, 'utf8');
    const edition = xml.includes('adlcp_rootv1p2') ? '12' : xml.includes('adlcp_v1p3') ? '2004' : null;
    if (!edition) throw new Error(`${name}: imsmanifest.xml names neither SCORM 1.2 (adlcp_rootv1p2) nor 2004 (adlcp_v1p3)`);
    const res = /<resource\b[^>]*\bhref="([^"]+)"/.exec(xml);
    if (!res) throw new Error(`${name}: imsmanifest.xml has no <resource href="..."> to launch`);
    // SCORM 1.2: the pass mark an LMS hands the SCO as cmi.student_data.mastery_score
    const mastery = /<adlcp:masteryscore>\s*([0-9.]+)\s*<\/adlcp:masteryscore>/.exec(xml);
    return { dir, edition, href: res[1], name, masteryScore: mastery ? mastery[1] : null };
}

/* Builds a package directory from a fixture folder and a runtime file (the
 * real one, the reference one, or a patched copy): what `coursepack build`
 * would write, minus the zip. */
export function fixturePackage(edition, runtimeSource, { fixture = MINI, patch = null } = {}) {
    const dir = tempDir('fix');
    let html = readFileSync(join(fixture, 'index.html'), 'utf8')
        .replace(/data-cp-scorm="[^"]*"/, `data-cp-scorm="${edition}"`);
    writeFileSync(join(dir, 'index.html'), html);
    mkdirSync(join(dir, 'runtime'));
    let js = readFileSync(runtimeSource, 'utf8');
    if (patch) js = patch(js);
    writeFileSync(join(dir, 'runtime', 'cp-runtime.js'), js);
    const css = join(dirname(runtimeSource), 'cp.css');
    writeFileSync(join(dir, 'runtime', 'cp.css'), existsSync(css) ? readFileSync(css) : '');
    writeFileSync(join(dir, 'imsmanifest.xml'), edition === '12' ? manifest12() : manifest2004());
    return describePackage(dir, `fixture(${edition})`);
}

function manifest12() {
    return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="cp-harness-mini" version="1.0.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
 <organizations default="org"><organization identifier="org"><title>t</title>
  <item identifier="item" identifierref="res"><title>t</title></item></organization></organizations>
 <resources><resource identifier="res" type="webcontent" adlcp:scormtype="sco" href="index.html"><file href="index.html"/></resource></resources>
</manifest>
`;
}

function manifest2004() {
    return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="cp-harness-mini" version="1.0.0" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
 <organizations default="org"><organization identifier="org"><title>t</title>
  <item identifier="item" identifierref="res"><title>t</title></item></organization></organizations>
 <resources><resource identifier="res" type="webcontent" adlcp:scormType="sco" href="index.html"><file href="index.html"/></resource></resources>
</manifest>
`;
}

export function removeDir(dir) {
    try { rmSync(dir, { recursive: true, force: true }); } catch { /* temp dir */ }
}

// ---- sessions -------------------------------------------------------------

/* Opens the LMS page, launches the package's SCO in a frame (or its own
 * window) and returns a session: { page, frame, lms(), console, ... }. */
/* personality: see lms.html (comments 'append', masteryOverride, masteryScore,
 * dropOnClose); LMS.moodle12 and LMS.moodle2004 below are the usual ones. */
/* seed: the choice order of a new attempt, base 32 as in suspend data's o=
 * (the runtime's ?cpseed=); none: the runtime draws one. */
export async function launch(browser, server, pkg, { mode = 'frame', flat = null, viewport, personality = null, seed = null } = {}) {
    const { context, page, release } = await pooledPage(browser, viewport);
    const consoleErrors = [];
    const unwatch = [];
    const watch = (p, where) => {
        const onErr = (e) => consoleErrors.push(`${where}: uncaught ${e.message}`);
        const onLog = (m) => { if (m.type() === 'error') consoleErrors.push(`${where}: console.error ${m.text()}`); };
        p.on('pageerror', onErr);
        p.on('console', onLog);
        unwatch.push(() => { p.off('pageerror', onErr); p.off('console', onLog); });
    };
    watch(page, 'lms');
    await page.goto(`${server.base}/lms.html?ed=${pkg.edition}`, { waitUntil: 'load', timeout: 15000 });
    const url = server.mount(pkg.dir) + pkg.href + (seed === null ? '' : `?cpseed=${seed}`);
    let scoPage = page;
    const popup = mode === 'window' ? page.waitForEvent('popup', { timeout: 15000 }) : null;
    await page.evaluate((o) => window.lms.launch(o), { edition: pkg.edition, url, mode, flat, personality });
    let frame;
    if (mode === 'window') {
        scoPage = await popup;
        watch(scoPage, 'sco');
        await scoPage.waitForLoadState('load', { timeout: 15000 });
        frame = scoPage.mainFrame();
    } else {
        const handle = await page.waitForSelector('#sco', { timeout: 15000 });
        frame = await handle.contentFrame();
        await frame.waitForLoadState('load', { timeout: 15000 });
    }
    await waitForRuntime(frame);
    return {
        pkg, page, scoPage, frame, context, consoleErrors,
        mark: (what) => page.evaluate((w) => window.lms.mark(w), what),
        lms: () => page.evaluate(() => window.lms.state()),
        async close() { await page.evaluate(() => window.lms.close()); await settle(page); },
        /* the learner closes the SCO's own window (mode 'window') */
        async closeWindow() {
            await page.evaluate(() => window.lms.beginClose());
            await scoPage.close({ runBeforeUnload: true });
            await settle(page, 300);
        },
        async dispose() {
            unwatch.forEach((f) => f());
            if (scoPage !== page) await scoPage.close().catch(() => {});
            await release();
        },
    };
}

/* Starting a renderer costs about a second on a small machine: pages are
 * reused between sessions (each session loads a fresh LMS document, so no
 * state carries over; cookies and storage are not used by either side). */
const pools = new WeakMap();
async function pooledPage(browser, viewport) {
    if (!pools.has(browser)) pools.set(browser, []);
    const pool = pools.get(browser);
    let entry = viewport ? null : pool.pop();
    if (!entry || entry.page.isClosed()) {
        const context = await browser.newContext({ viewport: viewport || { width: 1100, height: 900 } });
        context.setDefaultTimeout(WAIT);
        entry = { context, page: await context.newPage() };
    }
    return {
        ...entry,
        async release() {
            try {
                await entry.page.goto('about:blank', { timeout: 5000 });
                if (!viewport) { pool.push(entry); return; }
            } catch { /* a broken page is not reused */ }
            await entry.context.close().catch(() => {});
        },
    };
}

export async function closePool(browser) {
    for (const e of pools.get(browser) || []) await e.context.close().catch(() => {});
    pools.delete(browser);
}

/* The runtime is ready when exactly one page is visible. */
async function waitForRuntime(frame) {
    await frame.waitForFunction(() => {
        const vis = [...document.querySelectorAll('section.cp-page')].filter((s) => s.checkVisibility());
        return vis.length === 1;
    }, null, { timeout: WAIT, polling: 50 }).catch(() => {
        throw new Error('the runtime never showed exactly one section.cp-page (is runtime/cp-runtime.js loaded and running?)');
    });
}

async function settle(page, ms = 150) { await page.waitForTimeout(ms); }

// ---- reading the module from the DOM ----------------------------------------

/* The module as the markup contract describes it, read in the SCO's frame:
 * pages, questions, scenarios (with their step graph), reflections. */
export async function readModule(frame) {
    return frame.evaluate(() => {
        const list = (s) => (s ? s.split(',') : []);
        const b = document.body;
        const ctxOf = (el) => {
            const r = [], s = [];
            for (let e = el; e && e !== b; e = e.parentElement) {
                if (e.hasAttribute('data-cp-roles')) r.push(list(e.getAttribute('data-cp-roles')));
                if (e.hasAttribute('data-cp-settings')) s.push(list(e.getAttribute('data-cp-settings')));
            }
            return { roles: r, settings: s };
        };
        const pageOf = (el) => el.closest('section.cp-page')?.getAttribute('data-cp-page');
        return {
            id: b.getAttribute('data-cp-module'),
            lang: b.getAttribute('data-cp-lang'),
            mastery: Number(b.getAttribute('data-cp-mastery') || '80'),
            roles: list(b.getAttribute('data-cp-roles')),
            settings: list(b.getAttribute('data-cp-settings')),
            pages: [...document.querySelectorAll('section.cp-page')].map((p) => ({
                name: p.getAttribute('data-cp-page'), ctx: ctxOf(p),
                special: p.classList.contains('cp-context') ? 'context' : p.classList.contains('cp-summary') ? 'summary' : null,
            })),
            questions: [...document.querySelectorAll('form.cp-question')].map((q) => ({
                id: q.getAttribute('data-cp-question'), type: q.getAttribute('data-cp-type'),
                weight: Number(q.getAttribute('data-cp-weight') || '1'),
                correct: list(q.getAttribute('data-cp-correct')),
                choices: [...q.querySelectorAll('input')].map((i) => i.value),
                page: pageOf(q), ctx: ctxOf(q),
                prompt: (q.querySelector('.cp-prompt')?.textContent || '').replace(/\s+/g, ' ').trim(),
            })),
            scenarios: [...document.querySelectorAll('.cp-scenario')].map((s) => ({
                id: s.getAttribute('data-cp-scenario'),
                scored: s.getAttribute('data-cp-scored') === 'true',
                weight: Number(s.getAttribute('data-cp-weight') || '1'),
                best: list(s.getAttribute('data-cp-best')),
                page: pageOf(s), ctx: ctxOf(s),
                steps: [...s.querySelectorAll('.cp-step')].map((st) => ({
                    id: st.getAttribute('data-cp-step'), end: st.getAttribute('data-cp-end'),
                    choices: [...st.querySelectorAll('.cp-step-choice')].map((c) => ({
                        code: c.getAttribute('data-cp-choice'), target: c.getAttribute('data-cp-target') })),
                })),
            })),
            reflections: [...document.querySelectorAll('form.cp-reflection')].map((f) => ({
                id: f.getAttribute('data-cp-reflection'), page: pageOf(f), ctx: ctxOf(f) })),
        };
    });
}

/* Whether an element with this context is shown to a learner of this role/setting. */
export function forLearner(ctx, who) {
    return ctx.roles.every((r) => r.includes(who.role)) && ctx.settings.every((s) => s.includes(who.setting));
}

/* A path through a scenario's steps (choice codes) ending at an ending of the
 * given kind ('correct', 'partial', 'wrong'); prefers `prefer` choices. */
export function scenarioPath(sc, kind, prefer = []) {
    const steps = new Map(sc.steps.map((s) => [s.id, s]));
    const start = sc.steps[0];
    const queue = [[start, []]];
    const seen = new Set([start.id]);
    while (queue.length) {
        const [step, path] = queue.shift();
        if (!step.choices.length) { if (!kind || step.end === kind) return { path, end: step.end }; continue; }
        const order = [...step.choices].sort((a, b) => (prefer.includes(b.code) ? 1 : 0) - (prefer.includes(a.code) ? 1 : 0));
        for (const c of order) {
            const next = steps.get(c.target);
            if (next && !seen.has(next.id)) { seen.add(next.id); queue.push([next, [...path, c.code]]); }
        }
    }
    return null;
}

/* What a learner answering `how` is expected to give: 'right', 'wrong', or
 * 'mixed' (questions alternately right and wrong, scenarios to a partial
 * ending where there is one: exercises the half weight and "neutral"). */
export function plan(mod, who, how) {
    const items = [];
    let k = 0;
    for (const q of mod.questions) {
        if (!forLearner(q.ctx, who) || !pageShown(mod, q.page, who)) continue;
        let pick;
        if (how === 'right' || (how === 'mixed' && k++ % 2 === 0)) pick = q.correct;
        else {
            const wrong = q.choices.filter((c) => !q.correct.includes(c));
            pick = wrong.length ? [wrong[0]] : q.choices.slice(0, -1);
        }
        items.push({ kind: 'q', id: q.id, type: q.type, weight: q.weight, pick, correct: q.correct,
                     ok: same(pick, q.correct), earned: same(pick, q.correct) ? q.weight : 0, page: q.page, prompt: q.prompt });
    }
    for (const s of mod.scenarios) {
        if (!forLearner(s.ctx, who) || !pageShown(mod, s.page, who)) continue;
        let p;
        if (how === 'right') p = scenarioPath(s, 'correct', s.best) || scenarioPath(s, null, s.best);
        else if (how === 'mixed') p = scenarioPath(s, 'partial') || scenarioPath(s, 'wrong') || scenarioPath(s, null);
        else p = scenarioPath(s, 'wrong') || scenarioPath(s, 'partial') || scenarioPath(s, null);
        if (!p) continue;
        const earned = !s.scored ? 0 : p.end === 'correct' ? s.weight : p.end === 'partial' ? s.weight / 2 : 0;
        items.push({ kind: 'n', id: s.id, scored: s.scored, weight: s.weight, pick: p.path, end: p.end,
                     best: s.best, ok: p.end === 'correct', earned, page: s.page });
    }
    return items;
}

function pageShown(mod, name, who) {
    const p = mod.pages.find((x) => x.name === name);
    return !p || forLearner(p.ctx, who);
}

export function same(a, b) { return [...a].sort().join(',') === [...b].sort().join(','); }

export function expectedRaw(items) {
    const scored = items.filter((i) => i.kind === 'q' || i.scored);
    const total = scored.reduce((s, i) => s + i.weight, 0);
    const got = scored.reduce((s, i) => s + i.earned, 0);
    return total ? (100 * got) / total : null;
}

// ---- the learner ------------------------------------------------------------

/* Clicks through the module like a learner: chooses the context, answers each
 * visible item per `items`, writes reflections, presses Next. Stops at the
 * summary, or (stopAt) once the learner is on that page with its items done.
 * Returns { visited: [page names], answered: [ids] }. */
export async function learn(s, items, { who, stopAt = null, keyboard = false, reflect = 'Un outil de triage.' } = {}) {
    const f = s.frame;
    const act = keyboard ? kbd(s) : mouse(s);
    const visited = [];
    const answered = [];
    for (let step = 0; step < MAX_STEPS; step++) {
        const name = await currentPage(f);
        if (visited[visited.length - 1] !== name) visited.push(name);
        const sec = f.locator(`section.cp-page[data-cp-page="${name}"]`);
        if (await sec.locator('form.cp-context-form').count()) {
            await s.mark(`choose context ${who.role}/${who.setting}`);
            if (who.role) await act.check(sec.locator(`input[name="cp-role"][value="${who.role}"]`));
            if (who.setting) await act.check(sec.locator(`input[name="cp-setting"][value="${who.setting}"]`));
            await act.press(sec.locator('form.cp-context-form [type="submit"], form.cp-context-form button').first(), 'Enter');
            await waitPageChange(f, name);
            continue;
        }
        for (const it of items.filter((i) => i.page === name)) {
            if (it.kind === 'q') {
                const form = sec.locator(`form.cp-question[data-cp-question="${it.id}"]`);
                if (!(await form.isVisible())) continue;
                if (await form.locator('input:disabled').count()) continue;       // answered before
                await s.mark(`answer ${it.id} ${it.pick.join('')}`);
                for (const c of it.pick) await act.check(form.locator(`input[value="${c}"]`));
                await act.press(form.locator('.cp-submit'), 'Enter');
                await form.locator('input:disabled').first().waitFor({ state: 'attached', timeout: WAIT })
                    .catch(() => { throw new Error(`question ${it.id}: inputs not disabled after Submit (answer not taken)`); });
                answered.push(it.id);
            } else {
                const sc = sec.locator(`.cp-scenario[data-cp-scenario="${it.id}"]`);
                if (!(await sc.isVisible())) continue;
                const start = sc.locator('.cp-step').first();
                if (!(await start.isVisible())) continue;                       // played before
                if (await start.locator('.cp-step-choice:disabled').count()) continue;  // its first path shown again on resume
                await s.mark(`play ${it.id} ${it.pick.join('')}`);
                for (const code of it.pick) {
                    const btn = sc.locator(`.cp-step-choice[data-cp-choice="${code}"]`);
                    await btn.waitFor({ state: 'visible', timeout: WAIT })
                        .catch(() => { throw new Error(`scenario ${it.id}: choice ${code} never became visible`); });
                    await act.press(btn, 'Enter');
                }
                answered.push(it.id);
            }
        }
        for (const r of await sec.locator('form.cp-reflection').all()) {
            if (!(await r.isVisible())) continue;
            const ta = r.locator('textarea');
            if ((await ta.inputValue()) !== '') continue;
            const rid = await r.getAttribute('data-cp-reflection');
            await s.mark(`reflect ${rid}`);
            await act.type(ta, typeof reflect === 'function' ? reflect(rid) : reflect);
            await act.press(r.locator('button[type="submit"], button').first(), 'Enter');
        }
        if (stopAt && name === stopAt) break;
        if (await sec.evaluate((e) => e.classList.contains('cp-summary'))) break;
        const next = f.locator('.cp-next');
        if (!(await next.isVisible()) || (await next.isDisabled())) break;
        await s.mark(`next from ${name}`);
        await act.press(next, 'Enter');
        await waitPageChange(f, name);
    }
    return { visited, answered };
}

export async function currentPage(f) {
    const names = await f.evaluate(() => [...document.querySelectorAll('section.cp-page')]
        .filter((s) => s.checkVisibility()).map((s) => s.getAttribute('data-cp-page')));
    if (names.length !== 1) throw new Error(`expected exactly one visible page, found ${names.length} (${names.join(', ')})`);
    return names[0];
}

async function waitPageChange(f, from) {
    await f.waitForFunction((n) => {
        const v = [...document.querySelectorAll('section.cp-page')].filter((s) => s.checkVisibility());
        return v.length === 1 && v[0].getAttribute('data-cp-page') !== n;
    }, from, { timeout: WAIT, polling: 50 }).catch(() => { throw new Error(`the page did not change after leaving "${from}"`); });
}

function mouse() {
    return {
        check: (loc) => loc.check(),
        press: (loc) => loc.click(),
        type: (loc, text) => loc.fill(text),
    };
}

/* Keyboard only: Tab until the target has focus, then Space or Enter. Radio
 * groups are entered with Tab and moved in with the arrow keys, as browsers do. */
function kbd(s) {
    const kb = s.scoPage.keyboard;
    async function focus(loc) {
        const h = await loc.elementHandle();
        for (let i = 0; i < 300; i++) {
            if (await h.evaluate((e) => e === document.activeElement)) return;
            const sameGroup = await h.evaluate((e) => {
                const a = document.activeElement;
                return !!(a && a !== e && e.type === 'radio' && a.type === 'radio' && a.name === e.name);
            });
            if (sameGroup) {
                const order = await h.evaluate((e) => {
                    const g = [...document.querySelectorAll(`input[type=radio][name="${e.name}"]`)];
                    return g.indexOf(e) - g.indexOf(document.activeElement);
                });
                await kb.press(order > 0 ? 'ArrowDown' : 'ArrowUp');
                continue;
            }
            await kb.press('Tab');
        }
        throw new Error(`keyboard: could not reach ${await h.evaluate((e) => e.outerHTML.slice(0, 120))} with Tab`);
    }
    return {
        async check(loc) {
            await focus(loc);
            if (!(await loc.isChecked())) await kb.press('Space');
        },
        async press(loc, key) { await focus(loc); await kb.press(key); },
        async type(loc, text) { await focus(loc); await kb.type(text); },
    };
}

// ---- checks ---------------------------------------------------------------

const T12 = { init: 'LMSInitialize', fin: 'LMSFinish', set: 'LMSSetValue', commit: 'LMSCommit' };
const T04 = { init: 'Initialize', fin: 'Terminate', set: 'SetValue', commit: 'Commit' };

function show(c) { return `${c.fn}(${c.args.map((a) => JSON.stringify(a.length > 80 ? a.slice(0, 77) + '...' : a)).join(', ')})`; }

/* Every error scorm-again reported, every call in the wrong state, and the
 * Initialize/Terminate pairing. `closed`: the session is over (Terminate due). */
export function checkCalls(state, edition, { closed = true } = {}) {
    const t = edition === '12' ? T12 : T04;
    const problems = [];
    const calls = state.calls.filter((c) => !c.mark);
    for (const c of calls) {
        if (c.threw) problems.push(`${show(c)} threw ${c.threw}`);
        else if (c.err && c.err !== '0') problems.push(`${show(c)} -> scorm-again error ${c.err} (${c.errText}): ${c.diag}`);
    }
    for (const l of state.logs) {
        if (l.level >= 4) problems.push(`scorm-again logged an error: ${l.msg}`);
    }
    const inits = calls.filter((c) => c.fn === t.init);
    const fins = calls.filter((c) => c.fn === t.fin);
    if (inits.length !== 1) problems.push(`${t.init} called ${inits.length} times, expected once`);
    if (calls.length && calls[0].fn !== t.init) problems.push(`first call is ${show(calls[0])}, before ${t.init}`);
    if (closed && fins.length !== 1) problems.push(`${t.fin} called ${fins.length} times, expected exactly once`);
    if (!closed && fins.length) problems.push(`${t.fin} called while the SCO is still open`);
    const finAt = calls.findIndex((c) => c.fn === t.fin);
    if (finAt >= 0 && finAt < calls.length - 1) problems.push(`calls after ${t.fin}: ${calls.slice(finAt + 1).map(show).join(', ')}`);
    for (const c of calls) {
        if ([t.init, t.fin, t.commit].includes(c.fn) && c.args[0] !== '') problems.push(`${show(c)}: the argument must be ""`);
    }
    return problems;
}

/* Commit after every answer and page change: in each stretch between two
 * learner actions, no SetValue may be left without a later Commit (or Terminate,
 * which commits). */
export function checkCommits(state, edition) {
    const t = edition === '12' ? T12 : T04;
    const problems = [];
    let what = 'launch', pending = null;
    const flush = () => {
        if (pending) problems.push(`no ${t.commit} after "${what}": ${show(pending)} was left uncommitted`);
        pending = null;
    };
    for (const c of state.calls) {
        if (c.mark) { flush(); what = c.mark; continue; }
        if (c.fn === t.set) pending = pending || c;
        if (c.fn === t.commit || c.fn === t.fin) pending = null;
    }
    flush();
    return problems;
}

/* The values the SCO set, replayed in order (works for 1.2's write-only
 * elements too): the LMS's view of the final data. */
export function lastValues(state, edition) {
    const t = edition === '12' ? T12 : T04;
    const v = new Map();
    for (const c of state.calls) if (c.fn === t.set && c.err === '0') v.set(c.args[0], c.args[1]);
    return v;
}

export function interactions(state, edition) {
    const v = lastValues(state, edition);
    const out = new Map();
    for (const [k, val] of v) {
        const m = /^cmi\.interactions\.(\d+)\.(.+)$/.exec(k);
        if (!m) continue;
        if (!out.has(m[1])) out.set(m[1], {});
        out.get(m[1])[m[2]] = val;
    }
    return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([n, o]) => ({ n: Number(n), ...o }));
}

/* Wire format of a response in this edition. */
export function response(edition, type, codes) {
    if (type === 'truefalse') {
        const tr = codes[0] === 'a';
        return edition === '12' ? (tr ? 't' : 'f') : (tr ? 'true' : 'false');
    }
    return codes.join(edition === '12' ? ',' : '[,]');
}

/* One interaction per question/scenario answered, with type, response,
 * pattern and result. */
export function checkInteractions(state, edition, items) {
    const problems = [];
    const list = interactions(state, edition);
    const respKey = edition === '12' ? 'student_response' : 'learner_response';
    const wrong = edition === '12' ? 'wrong' : 'incorrect';
    for (const it of items) {
        const mine = list.filter((i) => i.id === it.id);
        if (mine.length !== 1) { problems.push(`interaction ${it.id}: ${mine.length} recorded, expected 1`); continue; }
        const i = mine[0];
        const type = it.kind === 'q' && it.type === 'truefalse' ? 'true-false' : 'choice';
        // Scenarios: a partial ending and an unscored scenario are "neutral";
        // no pattern when the scenario has no path to a correct ending.
        const result = it.kind === 'q' ? (it.ok ? 'correct' : wrong)
            : !it.scored || it.end === 'partial' ? 'neutral' : it.end === 'correct' ? 'correct' : wrong;
        const want = {
            type,
            [respKey]: it.kind === 'q' ? response(edition, it.type, it.pick) : response(edition, 'choice', it.pick),
            'correct_responses.0.pattern': it.kind === 'q' ? response(edition, it.type, it.correct)
                : it.best.length ? response(edition, 'choice', it.best) : undefined,
            result,
            weighting: String(it.weight),
        };
        for (const [k, w] of Object.entries(want)) {
            if (k === 'weighting' ? Number(i[k]) !== Number(w) : i[k] !== w) {
                problems.push(`interaction ${it.id}: ${k} is ${JSON.stringify(i[k])}, expected ${JSON.stringify(w)}`);
            }
        }
        if (!i.latency) problems.push(`interaction ${it.id}: no latency`);
        const tk = edition === '12' ? 'time' : 'timestamp';
        if (!i[tk]) problems.push(`interaction ${it.id}: no ${tk}`);
        if (edition === '2004') {
            if (!i.description) problems.push(`interaction ${it.id}: no description`);
            else if (i.description.length > 250) problems.push(`interaction ${it.id}: description over 250 characters`);
        }
    }
    const extra = list.filter((i) => !items.some((it) => it.id === i.id));
    for (const i of extra) problems.push(`interaction ${i.n} (${i.id}) answers nothing the learner answered`);
    return problems;
}

/* Final status, score and exit. verdict: 'passed' | 'failed' | null (not all answered). */
export function checkOutcome(state, edition, { raw, verdict, completed, finished }) {
    const p = [];
    const v = lastValues(state, edition);
    const num = (k) => (v.has(k) ? Number(v.get(k)) : NaN);
    const near = (a, b, tol) => Math.abs(a - b) <= tol;
    if (edition === '12') {
        const st = v.get('cmi.core.lesson_status');
        const want = verdict || (completed ? 'completed' : 'incomplete');
        if (st !== want) p.push(`cmi.core.lesson_status is ${JSON.stringify(st)}, expected "${want}"`);
        if (raw !== null && verdict) {
            if (!near(num('cmi.core.score.raw'), raw, 0.5)) p.push(`cmi.core.score.raw is ${v.get('cmi.core.score.raw')}, expected ${raw.toFixed(2)} (±0.5)`);
            if (num('cmi.core.score.min') !== 0) p.push(`cmi.core.score.min is ${v.get('cmi.core.score.min')}, expected 0`);
            if (num('cmi.core.score.max') !== 100) p.push(`cmi.core.score.max is ${v.get('cmi.core.score.max')}, expected 100`);
        }
        const exit = v.get('cmi.core.exit');
        const wantExit = finished ? '' : 'suspend';
        if (exit !== wantExit && !(finished && exit === undefined)) p.push(`cmi.core.exit is ${JSON.stringify(exit)}, expected ${JSON.stringify(wantExit)}`);
    } else {
        const cs = v.get('cmi.completion_status');
        const want = completed ? 'completed' : 'incomplete';
        if (cs !== want) p.push(`cmi.completion_status is ${JSON.stringify(cs)}, expected "${want}"`);
        const ss = v.get('cmi.success_status');
        if (verdict && ss !== verdict) p.push(`cmi.success_status is ${JSON.stringify(ss)}, expected "${verdict}"`);
        if (!verdict && ss && ss !== 'unknown') p.push(`cmi.success_status is ${JSON.stringify(ss)} before every scored item was answered`);
        if (raw !== null && verdict) {
            if (!near(num('cmi.score.raw'), raw, 0.5)) p.push(`cmi.score.raw is ${v.get('cmi.score.raw')}, expected ${raw.toFixed(2)} (±0.5)`);
            if (!near(num('cmi.score.scaled'), num('cmi.score.raw') / 100, 0.0001)) p.push(`cmi.score.scaled is ${v.get('cmi.score.scaled')}, expected raw/100 = ${num('cmi.score.raw') / 100}`);
            if (num('cmi.score.min') !== 0) p.push(`cmi.score.min is ${v.get('cmi.score.min')}, expected 0`);
            if (num('cmi.score.max') !== 100) p.push(`cmi.score.max is ${v.get('cmi.score.max')}, expected 100`);
        }
        const pm = num('cmi.progress_measure');
        if (completed && pm !== 1) p.push(`cmi.progress_measure is ${v.get('cmi.progress_measure')}, expected 1 when completed`);
        if (!completed && !(pm >= 0 && pm < 1)) p.push(`cmi.progress_measure is ${v.get('cmi.progress_measure')}, expected in [0, 1) while incomplete`);
        const exit = v.get('cmi.exit');
        const wantExit = finished ? 'normal' : 'suspend';
        if (exit !== wantExit) p.push(`cmi.exit is ${JSON.stringify(exit)}, expected "${wantExit}"`);
    }
    return p;
}

/* suspend_data: the documented v1 format, within SCORM 1.2's 4,096 characters. */
export function checkSuspend(state, edition) {
    const p = [];
    const t = edition === '12' ? T12 : T04;
    for (const c of state.calls) {
        if (c.fn !== t.set || c.args[0] !== 'cmi.suspend_data') continue;
        const s = c.args[1];
        if (s.length > 4096) p.push(`cmi.suspend_data is ${s.length} characters, over SCORM 1.2's limit of 4096`);
        else if (!/^v1\|c=(-|\d+)\.(-|\d+)\|s=[0-9a-z]*\|q=((\d+:[a-z]+)(;\d+:[a-z]+)*)?\|n=((\d+:[a-z0-9]+)(;\d+:[a-z0-9]+)*)?(\|o=[1-9a-v][0-9a-v]{0,6})?$/.test(s)) {
            p.push(`cmi.suspend_data ${JSON.stringify(s.slice(0, 120))} does not follow the documented v1 format`);
        }
    }
    return [...new Set(p)];
}

/* session_time: well-formed, set once per session before Terminate, and close
 * to the time the SCO was really open. */
export function checkSessionTime(state, edition) {
    const p = [];
    const t = edition === '12' ? T12 : T04;
    const key = edition === '12' ? 'cmi.core.session_time' : 'cmi.session_time';
    const calls = state.calls.filter((c) => !c.mark);
    const sets = calls.filter((c) => c.fn === t.set && c.args[0] === key);
    if (!sets.length) return [`${key} never set`];
    const val = sets[sets.length - 1].args[1];
    let secs = null;
    if (edition === '12') {
        const m = /^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$/.exec(val);
        if (!m) p.push(`${key} ${JSON.stringify(val)} is not HHHH:MM:SS.SS`);
        else secs = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4] || 0);
    } else {
        const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$/.exec(val);
        if (!m || val === 'P' || val.endsWith('T')) p.push(`${key} ${JSON.stringify(val)} is not an ISO 8601 duration (PT…H…M…S, at most 2 decimals)`);
        else secs = (Number(m[3] || 0) * 24 + Number(m[4] || 0)) * 3600 + Number(m[5] || 0) * 60 + Number(m[6] || 0)
            + (Number(m[1] || 0) * 365 + Number(m[2] || 0) * 30) * 86400;
    }
    const init = calls.find((c) => c.fn === t.init);
    const fin = calls.find((c) => c.fn === t.fin);
    if (secs !== null && init && fin) {
        const wall = (fin.t - init.t) / 1000;
        if (secs < wall - 2 || secs > wall + 5) p.push(`${key} ${val} (${secs.toFixed(2)} s) is implausible: the SCO was open ${wall.toFixed(2)} s`);
    }
    const finAt = calls.indexOf(fin);
    if (fin && calls.indexOf(sets[sets.length - 1]) > finAt) p.push(`${key} set after ${t.fin}`);
    return p;
}

/* What scorm-again itself stored at the end (its flattened CMI, what it would
 * send to an LMS server) agrees with what the SCO set: nothing was silently
 * dropped or rewritten on the LMS side. */
export function checkStored(state, edition) {
    const keys = edition === '12'
        ? ['cmi.core.lesson_status', 'cmi.core.score.raw', 'cmi.core.lesson_location', 'cmi.suspend_data']
        : ['cmi.completion_status', 'cmi.success_status', 'cmi.score.raw', 'cmi.score.scaled', 'cmi.location', 'cmi.suspend_data'];
    const v = lastValues(state, edition);
    const flat = state.flat || {};
    const p = [];
    for (const k of keys) {
        if (!v.has(k)) continue;
        const stored = flat[k] === undefined ? undefined : String(flat[k]);
        if (stored !== v.get(k) && !(Number.isFinite(Number(stored)) && Number(stored) === Number(v.get(k)) && stored !== '')) {
            p.push(`scorm-again stored ${k} = ${JSON.stringify(stored)}, but the SCO last set ${JSON.stringify(v.get(k))}`);
        }
    }
    return p;
}

// ---- what the LMS stored, commit by commit ----------------------------------

/* The LMS personalities of lms.html, as tests name them. Moodle's are the
 * documented behaviours of mod/scorm (see lms.html); `lastCommit` adds the
 * browser's refusal of requests made while the SCO's window closes. */
export function personality(name, pkg, { lastCommit = false } = {}) {
    const base = name === 'moodle' && pkg.edition === '12'
        ? { name: 'Moodle (SCORM 1.2)', comments: 'append', masteryOverride: true, masteryScore: pkg.masteryScore }
        : name === 'moodle' ? { name: 'Moodle (SCORM 2004)' }
        : { name: 'scorm-again' };
    return lastCommit ? { ...base, name: `${base.name}, last commit before the window closes`, dropOnClose: true } : base;
}

/* The elements an administrator reads in the LMS's report, from one stored
 * snapshot (scorm-again's flattened CMI), as strings ('' when unset). */
export function storedView(data, edition) {
    const g = (k) => (data[k] === undefined || data[k] === null ? '' : String(data[k]));
    return edition === '12'
        ? { status: g('cmi.core.lesson_status'), raw: g('cmi.core.score.raw'), exit: g('cmi.core.exit'),
            comments: g('cmi.comments'), location: g('cmi.core.lesson_location') }
        : { completion: g('cmi.completion_status'), success: g('cmi.success_status'), raw: g('cmi.score.raw'),
            scaled: g('cmi.score.scaled'), progress: g('cmi.progress_measure'), exit: g('cmi.exit'),
            location: g('cmi.location') };
}

/* What the LMS holds once the session is over: its last stored snapshot. */
export function stored(state, edition) {
    const r = state.records[state.records.length - 1];
    return r ? storedView(r.data, edition) : null;
}

/* Every snapshot the LMS stored must tell the truth at its moment: until the
 * learner's action named `doneAt` (a mark; null = never in this session),
 * nothing completed, passed or failed, no score, exit suspend (2004: progress
 * below 1); from that action on, the final result `outcome` ({verdict:
 * 'passed'|'failed'|null, raw}). */
export function checkRecords(state, edition, { doneAt = null, outcome = null } = {}) {
    const problems = [];
    if (!state.records.length) return ['the LMS stored nothing: no Commit reached it'];
    const mark = doneAt === null ? null : state.calls.find((c) => c.mark === doneAt);
    if (doneAt !== null && !mark) problems.push(`the learner never did "${doneAt}"`);
    const doneSeq = mark ? mark.seq : Infinity;
    const near = (a, b) => Math.abs(Number(a) - b) <= 0.5;
    for (const r of state.records) {
        const v = storedView(r.data, edition);
        const when = `stored at the ${r.fn} after "${r.after || 'launch'}"`;
        const say = (k, want) => problems.push(`${when}: ${k} is ${JSON.stringify(v[k])}, expected ${want}`);
        if (r.seq < doneSeq) {
            if (edition === '12') {
                if (['completed', 'passed', 'failed', 'browsed'].includes(v.status)) say('status', '"incomplete" (the learner has not finished)');
                if (v.raw !== '') say('raw', 'no score before the result is final');
                if (v.exit !== 'suspend') say('exit', '"suspend"');
            } else {
                if (v.completion === 'completed') say('completion', '"incomplete" (the learner has not finished)');
                if (v.success !== 'unknown' && v.success !== '') say('success', '"unknown" before the result is final');
                if (v.raw !== '') say('raw', 'no score before the result is final');
                if (v.progress !== '' && !(Number(v.progress) >= 0 && Number(v.progress) < 1)) say('progress', 'below 1');
                if (v.exit !== 'suspend') say('exit', '"suspend"');
            }
        } else if (outcome) {
            if (edition === '12') {
                const want = outcome.verdict || 'completed';
                if (v.status !== want) say('status', `"${want}"`);
                if (outcome.verdict && !near(v.raw, outcome.raw)) say('raw', outcome.raw.toFixed(2));
                if (v.exit !== '') say('exit', '"" (the attempt is over)');
            } else {
                if (v.completion !== 'completed') say('completion', '"completed"');
                if ((outcome.verdict || 'unknown') !== v.success) say('success', `"${outcome.verdict || 'unknown'}"`);
                if (outcome.verdict && !near(v.raw, outcome.raw)) say('raw', outcome.raw.toFixed(2));
                if (Number(v.progress) !== 1) say('progress', '1');
                if (v.exit !== 'normal') say('exit', '"normal"');
            }
        }
    }
    return problems;
}

/* Items planned `how` ('right'|'wrong'|'mixed'), with some answered otherwise:
 * picks maps an id to 'right' | 'wrong' | 'partial' (scenario ending kind). */
export function planWith(mod, who, how, picks = {}) {
    const right = plan(mod, who, 'right'), wrong = plan(mod, who, 'wrong'), mixed = plan(mod, who, 'mixed');
    const base = how === 'right' ? right : how === 'wrong' ? wrong : mixed;
    return base.map((it) => {
        const p = picks[it.id];
        if (!p) return it;
        if (it.kind === 'q') return (p === 'right' ? right : wrong).find((x) => x.id === it.id);
        const sc = mod.scenarios.find((x) => x.id === it.id);
        const kind = p === 'right' ? 'correct' : p;
        const path = scenarioPath(sc, kind, sc.best);
        if (!path) throw new Error(`scenario ${it.id} has no ${kind} ending`);
        const earned = !sc.scored ? 0 : kind === 'correct' ? sc.weight : kind === 'partial' ? sc.weight / 2 : 0;
        return { ...it, pick: path.path, end: path.end, ok: kind === 'correct', earned };
    });
}

/* Which page is shown and which answers are visible (after a relaunch). */
export async function shownAnswers(frame) {
    return frame.evaluate(() => Object.fromEntries([...document.querySelectorAll('form.cp-question')].map((q) => [
        q.getAttribute('data-cp-question'),
        { checked: [...q.querySelectorAll('input')].filter((i) => i.checked).map((i) => i.value),
          disabled: [...q.querySelectorAll('input')].every((i) => i.disabled) }])));
}

/* The data an LMS keeps between two attempts (what a relaunch with
 * cmi.entry = resume gets back): what scorm-again stored of the SCO's own
 * elements (bookmark, suspend data, status, score, comments, interactions),
 * not the session's time or exit, with entry set to resume. Elements
 * scorm-again does not hand back (1.2's write-only interactions) are taken
 * from the SCO's calls, in order, id first, as an LMS stores them. */
export function keptData(state, edition) {
    const flat = {};
    const own = /^cmi\.(core\.(lesson_location|lesson_status|score\.(raw|min|max))|location|suspend_data|completion_status|success_status|progress_measure|score\.(raw|min|max|scaled)|comments|comments_from_learner\.|interactions\.)/;
    const skip = /_count|_children|\.objectives$|correct_responses$/;
    for (const [k, v] of Object.entries(state.flat || {})) {
        if (!own.test(k) || skip.test(k) || !['string', 'number'].includes(typeof v) || v === '') continue;
        flat[k] = String(v);
    }
    for (const i of interactions(state, edition)) {
        const p = `cmi.interactions.${i.n}.`;
        if (flat[p + 'id'] === undefined) flat[p + 'id'] = i.id;
        for (const [k, v] of Object.entries(i)) if (k !== 'n' && flat[p + k] === undefined) flat[p + k] = v;
    }
    flat[edition === '12' ? 'cmi.core.entry' : 'cmi.entry'] = 'resume';
    return flat;
}

export function assertNoProblems(assert, problems, what) {
    assert.deepEqual(problems, [], `${what}:\n  - ${problems.join('\n  - ')}`);
}

export { pathToFileURL };
