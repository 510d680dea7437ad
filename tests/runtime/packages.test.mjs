// The real packages in a real SCORM run-time: every package coursepack builds
// from courses/, played in headless Chromium against scorm-again (the LMS
// side), with the runtime the packages carry (assets/runtime/cp-runtime.js).
//
// Where the packages come from, in order:
//   1. $CP_DIST (e.g. CP_DIST=dist, what `make` writes): <id>.<lang>.scorm12.zip / .scorm2004.zip
//   2. built here with $BUILD/coursepack from courses/*/ into a temp dir (the default)
//   3. while `coursepack build` is not available: the hand-written fixture
//      module (fixtures/mini) with the real runtime, in both editions.
// What runs on which package (see docs/runtime-tests.md for why):
//   every package ........................ all answers right; all answers wrong;
//                                          leave half-way and resume
//   every module, one language and edition opened from disk (file://)
//   one package per edition .............. mixed answers in its own window, closed
//   one package .......................... keyboard only

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, basename } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as H from './harness.mjs';
import * as R from './runs.mjs';

const T = { timeout: 300000 };
const CONCURRENCY = Math.max(2, availableParallelism());
const dirs = [];

function zipsIn(dir) {
    if (!dir || !existsSync(dir)) return [];  // CP_DIST unset or missing
    return readdirSync(dir).filter((f) => /^[a-z0-9-]+\.[a-z]{2}\.scorm(12|2004)\.zip$/.test(f)).sort().map((f) => join(dir, f));
}

/* Returns { zips, skip, buildFailures, origin }. */
function findPackages() {
    // Built fresh by default (7 modules take seconds): a dist/ left by an
    // older `make` could be stale. CP_DIST=dist tests what make wrote.
    const fromDist = zipsIn(process.env.CP_DIST);
    if (fromDist.length) return { zips: fromDist, origin: process.env.CP_DIST, buildFailures: [] };
    const tool = join(H.REPO, process.env.BUILD || 'build', 'coursepack');
    const courses = join(H.REPO, 'courses');
    const modules = existsSync(courses)
        ? readdirSync(courses).filter((m) => existsSync(join(courses, m, 'module.xml'))).sort() : [];
    if (!existsSync(tool) || !modules.length) return { zips: [], origin: null, buildFailures: [], why: `no ${tool} or no courses/*/module.xml` };
    const out = H.tempDir('dist');
    dirs.push(out);
    const buildFailures = [];
    for (const m of modules) {
        const r = spawnSync(tool, ['build', join(courses, m), '-o', out], { encoding: 'utf8', timeout: 120000 });
        const msg = `${r.stderr || ''}${r.stdout || ''}`.trim();
        if (r.status !== 0 && /^usage:/m.test(msg) && !zipsIn(out).length) {
            return { zips: [], origin: null, buildFailures: [], why: `coursepack build is not available yet (${msg.split('\n')[0]})` };
        }
        if (r.status !== 0) buildFailures.push({ module: m, msg: msg || `exit status ${r.status}` });
    }
    return { zips: zipsIn(out), origin: `${tool} build`, buildFailures };
}

function parseName(zip) {
    const m = /^([a-z0-9-]+)\.([a-z]{2})\.scorm(12|2004)\.zip$/.exec(basename(zip));
    return { module: m[1], lang: m[2], edition: m[3] };
}

let browser, server;
before(async () => { browser = await H.launchBrowser(); server = await H.startServer(); });
after(async () => {
    if (browser) { await H.closePool(browser); await browser.close(); }
    await server?.close();
    dirs.forEach(H.removeDir);
});

const found = findPackages();

for (const f of found.buildFailures) {
    test(`coursepack build courses/${f.module}`, () => assert.fail(`coursepack build failed:\n${f.msg}`));
}

if (found.zips.length) {
    const pkgs = found.zips.map((zip) => ({ zip, ...parseName(zip) }));
    const modules = [...new Set(pkgs.map((p) => p.module))];
    const open = (p) => { const d = H.openZip(p.zip); dirs.push(d.dir); return d; };
    const pick = (module, edition, langIndex) => {
        const mine = pkgs.filter((p) => p.module === module && (!edition || p.edition === edition));
        const langs = [...new Set(mine.map((p) => p.lang))];
        const lang = langs[langIndex % langs.length];
        return mine.find((p) => p.lang === lang);
    };

    describe(`packages from ${found.origin}`, { concurrency: CONCURRENCY }, () => {
        for (const p of pkgs) {
            const name = basename(p.zip);
            test(`${name}: all answers right -> completed, passed, 100, interactions, one Terminate, no error`, T, async () => {
                const pkg = open(p);
                assert.equal(pkg.edition, p.edition, `${name}: the manifest is not SCORM ${p.edition}`);
                const r = await R.completeRun(browser, server, pkg, 'right');
                H.assertNoProblems(assert, r.problems, name);
            });
            test(`${name}: all answers wrong, finish button -> completed, failed, raw and scaled scores, one Terminate`, T, async () => {
                const r = await R.completeRun(browser, server, open(p), 'wrong', { finish: 'button' });
                H.assertNoProblems(assert, r.problems, name);
            });
            test(`${name}: leave half-way, relaunch with entry=resume -> same page, answers shown, one result`, T, async () => {
                const r = await R.resumeRun(browser, server, open(p));
                H.assertNoProblems(assert, r.problems, name);
            });
        }
        modules.forEach((m, i) => {
            const p = pick(m, i % 2 ? '12' : '2004', i + 1);
            if (p) {
                test(`${basename(p.zip)}: opened from disk (file://), no LMS: navigate, answer, no error`, T, async () => {
                    const r = await R.fileRun(browser, open(p));
                    H.assertNoProblems(assert, r.problems, `${basename(p.zip)} from disk`);
                });
            }
        });
        ['12', '2004'].forEach((ed, i) => {
            const p = pick(modules[i % modules.length], ed, i);
            if (!p) return;
            test(`${basename(p.zip)}: mixed answers, SCO in its own window, window closed -> score, Terminate once`, T, async () => {
                const r = await R.completeRun(browser, server, open(p), 'mixed', { mode: 'window' });
                H.assertNoProblems(assert, r.problems, basename(p.zip));
            });
        });
        const kp = pick(modules[modules.length - 1], '2004', 0);
        if (kp) {
            test(`${basename(kp.zip)}: keyboard only (Tab, Space, Enter) -> completed and passed`, T, async () => {
                const r = await R.completeRun(browser, server, open(kp), 'right', { keyboard: true });
                H.assertNoProblems(assert, r.problems, `${basename(kp.zip)} by keyboard`);
            });
        }
    });
} else if (existsSync(H.REAL_RUNTIME)) {
    describe(`fixture module with assets/runtime/cp-runtime.js (${found.why})`, { concurrency: CONCURRENCY }, () => {
        const fix = (ed) => { const p = H.fixturePackage(ed, H.REAL_RUNTIME); dirs.push(p.dir); return p; };
        for (const ed of ['12', '2004']) {
            test(`SCORM ${ed}: all answers right`, T, async () => {
                H.assertNoProblems(assert, (await R.completeRun(browser, server, fix(ed), 'right')).problems, 'all right');
            });
            test(`SCORM ${ed}: all answers wrong, finish button`, T, async () => {
                H.assertNoProblems(assert, (await R.completeRun(browser, server, fix(ed), 'wrong', { finish: 'button' })).problems, 'all wrong');
            });
            test(`SCORM ${ed}: leave half-way and resume`, T, async () => {
                H.assertNoProblems(assert, (await R.resumeRun(browser, server, fix(ed))).problems, 'resume');
            });
            test(`SCORM ${ed}: mixed answers, SCO in its own window, closed`, T, async () => {
                H.assertNoProblems(assert, (await R.completeRun(browser, server, fix(ed), 'mixed', { mode: 'window' })).problems, 'window');
            });
            test(`SCORM ${ed}: opened from disk (file://)`, T, async () => {
                H.assertNoProblems(assert, (await R.fileRun(browser, fix(ed))).problems, 'file://');
            });
        }
        test('SCORM 2004: keyboard only', T, async () => {
            H.assertNoProblems(assert, (await R.completeRun(browser, server, fix('2004'), 'right', { keyboard: true })).problems, 'keyboard');
        });
    });
} else {
    test('real packages in scorm-again', { skip: `no packages and no assets/runtime/cp-runtime.js yet (${found.why})` }, () => {});
}
