// Whole learner sessions built on harness.mjs, each returning the problems
// found (an empty list when the package behaves). Shared by the harness's
// self-tests (harness.test.mjs) and the package tests (packages.test.mjs).

import * as H from './harness.mjs';

/* The first role and the first setting: what a learner picks first. */
export function firstLearner(mod) {
    return { role: mod.roles[0] || null, setting: mod.settings[0] || null };
}

function scoredItems(items) { return items.filter((i) => i.kind === 'q' || i.scored); }

/* How a session must end when every item was answered and every page seen. */
export function finalOutcome(mod, items) {
    const raw = H.expectedRaw(items);
    const scored = scoredItems(items).length > 0;
    return { raw, verdict: scored ? (raw >= mod.mastery ? 'passed' : 'failed') : null, completed: true, finished: true };
}

/* Answers every item `how` ('right' | 'wrong'), reaches the summary, closes
 * the frame; checks calls, commits, interactions, outcome, suspend data,
 * session time. */
export async function completeRun(browser, server, pkg, how, { mode = 'frame', keyboard = false, finish = 'close' } = {}) {
    const s = await H.launch(browser, server, pkg, { mode });
    try {
        const mod = await H.readModule(s.frame);
        const who = firstLearner(mod);
        const items = H.plan(mod, who, how);
        const walk = await H.learn(s, items, { who, keyboard });
        const problems = [];
        const last = walk.visited[walk.visited.length - 1];
        if (last !== '_summary') problems.push(`the learner stopped on "${last}", not on the summary (visited ${walk.visited.join(' > ')})`);
        for (const it of items) {
            if (!walk.answered.includes(it.id)) problems.push(`${it.id} (page ${it.page}) was never shown to a ${who.role || 'learner'}/${who.setting || '-'}`);
        }
        if (finish === 'button') {
            // The summary's finish button ends the session; leaving afterwards must not end it twice.
            const btn = s.frame.locator('section.cp-summary .cp-finish');
            if (await btn.isVisible()) {
                await s.mark('finish button');
                await btn.click();
                await s.page.waitForTimeout(200);
            } else problems.push('no visible .cp-finish button on the summary page');
        }
        if (mode === 'window') await s.closeWindow();
        else await s.close();
        const st = await s.lms();
        problems.push(...allChecks(st, pkg.edition, items, finalOutcome(mod, items)));
        // Every commit the LMS stored: unfinished until the summary is reached
        // (every page seen, every item answered), final from then on.
        const out = finalOutcome(mod, items);
        problems.push(...H.checkRecords(st, pkg.edition, {
            doneAt: walk.visited.length > 1 ? `next from ${walk.visited[walk.visited.length - 2]}` : null,
            outcome: { verdict: out.verdict, raw: out.raw } }));
        problems.push(...s.consoleErrors);
        return { problems, mod, items, state: st };
    } finally {
        await s.dispose();
    }
}

export function allChecks(st, edition, items, outcome) {
    return [
        ...H.checkCalls(st, edition, { closed: true }),
        ...H.checkCommits(st, edition),
        ...H.checkInteractions(st, edition, items),
        ...H.checkOutcome(st, edition, outcome),
        ...H.checkSuspend(st, edition),
        ...H.checkSessionTime(st, edition),
        ...H.checkStored(st, edition),
    ];
}

/* Leaves half-way (frame closed), relaunches with what scorm-again kept and
 * entry=resume: the learner must land on the same page with the earlier
 * answers shown; finishing must give one consistent result. */
export async function resumeRun(browser, server, pkg) {
    const problems = [];
    let mod, items, who, stopAt, first, answeredBefore;
    const s1 = await H.launch(browser, server, pkg);
    try {
        mod = await H.readModule(s1.frame);
        who = firstLearner(mod);
        items = H.plan(mod, who, 'right');
        const pages = mod.pages.filter((p) => !p.special && p.name !== '_references' && H.forLearner(p.ctx, who));
        const withItems = pages.filter((p) => items.some((i) => i.page === p.name));
        // Stop on a page with items, about half-way through the pages.
        stopAt = (withItems.find((p) => pages.indexOf(p) >= Math.floor(pages.length / 2) - 1) || withItems[0] || pages[0]).name;
        const walk = await H.learn(s1, items, { who, stopAt });
        answeredBefore = walk.answered;
        if (walk.visited[walk.visited.length - 1] !== stopAt) problems.push(`first attempt did not reach ${stopAt}`);
        await s1.close();
        first = await s1.lms();
        problems.push(...H.checkCalls(first, pkg.edition, { closed: true }).map((p) => `first attempt: ${p}`));
        problems.push(...H.checkCommits(first, pkg.edition).map((p) => `first attempt: ${p}`));
        // Half-way, pages are left to see: no verdict and no score yet, whatever was answered.
        problems.push(...H.checkOutcome(first, pkg.edition, {
            raw: null, verdict: null, completed: false, finished: false }).map((p) => `first attempt: ${p}`));
        problems.push(...H.checkRecords(first, pkg.edition).map((p) => `first attempt: ${p}`));
        problems.push(...s1.consoleErrors);
    } finally {
        await s1.dispose();
    }
    const kept = H.keptData(first, pkg.edition);
    const s2 = await H.launch(browser, server, pkg, { flat: kept });
    try {
        const landed = await H.currentPage(s2.frame);
        if (landed !== stopAt) problems.push(`relaunch landed on "${landed}", expected "${stopAt}" (cmi location kept: ${JSON.stringify(kept['cmi.core.lesson_location'] ?? kept['cmi.location'])})`);
        const shown = await H.shownAnswers(s2.frame);
        for (const it of items.filter((i) => i.kind === 'q' && answeredBefore.includes(i.id))) {
            const a = shown[it.id];
            if (!a || !H.same(a.checked, it.pick) || !a.disabled) {
                problems.push(`relaunch: ${it.id} shows ${JSON.stringify(a && a.checked)}${a && a.disabled ? '' : ' (still answerable)'}, expected the earlier answer ${JSON.stringify(it.pick)}`);
            }
        }
        const walk = await H.learn(s2, items, { who });
        for (const id of walk.answered) if (answeredBefore.includes(id)) problems.push(`relaunch: ${id} could be answered a second time`);
        await s2.close();
        const second = await s2.lms();
        // The LMS's final data: first attempt's kept data, then the second attempt's writes.
        const merged = { calls: [...first.calls.filter((c) => c.fn && /SetValue$/.test(c.fn)), ...second.calls], logs: second.logs };
        problems.push(...H.checkCalls(second, pkg.edition, { closed: true }).map((p) => `relaunch: ${p}`));
        problems.push(...H.checkCommits(second, pkg.edition).map((p) => `relaunch: ${p}`));
        problems.push(...H.checkInteractions(merged, pkg.edition, items).map((p) => `after both attempts: ${p}`));
        problems.push(...H.checkOutcome(merged, pkg.edition, finalOutcome(mod, items)).map((p) => `after both attempts: ${p}`));
        problems.push(...H.checkSuspend(second, pkg.edition).map((p) => `relaunch: ${p}`));
        problems.push(...H.checkSessionTime(second, pkg.edition).map((p) => `relaunch: ${p}`));
        problems.push(...s2.consoleErrors);
    } finally {
        await s2.dispose();
    }
    return { problems };
}

/* index.html straight from disk (file://), no LMS: navigate, answer one
 * question; nothing thrown, nothing logged as an error. */
export async function fileRun(browser, pkg) {
    const context = await browser.newContext();
    context.setDefaultTimeout(H.WAIT);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`uncaught ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.${m.type()} ${m.text()}`); });
    try {
        await page.goto(H.pathToFileURL(`${pkg.dir}/${pkg.href}`).href, { waitUntil: 'load', timeout: 15000 });
        const s = { frame: page.mainFrame(), scoPage: page, mark: async () => {} };
        const mod = await H.readModule(s.frame);
        const who = firstLearner(mod);
        const items = H.plan(mod, who, 'right');
        const q = items.find((i) => i.kind === 'q');
        const problems = [];
        let walk;
        try {
            walk = await H.learn(s, q ? [q] : [], { who, stopAt: q ? q.page : null });
        } catch (e) {
            return { problems: [`from disk: ${e.message}`, ...errors] };
        }
        if (walk.visited.length < 2 && mod.pages.length > 2) problems.push(`could not navigate from disk (visited ${walk.visited.join(', ')})`);
        if (q) {
            const ans = (await H.shownAnswers(s.frame))[q.id];
            if (!walk.answered.includes(q.id) || !ans.disabled) problems.push(`question ${q.id} could not be answered from disk`);
            const result = await page.locator(`form.cp-question[data-cp-question="${q.id}"] .cp-result`).textContent();
            if (!result || !result.trim()) problems.push(`question ${q.id}: no result shown after answering from disk`);
        }
        problems.push(...errors);
        return { problems };
    } finally {
        await context.close().catch(() => {});
    }
}
