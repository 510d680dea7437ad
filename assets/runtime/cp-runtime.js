/* cp-runtime.js: the coursepack SCORM runtime (SCORM 1.2 and 2004 4th Ed).
 * Plain ES2017, no build step, no dependency. It reads the markup contract of
 * docs/package-format.md (data-cp-* attributes, cp-* classes), pages through
 * the module, checks answers, plays scenarios, saves reflections and reports
 * to the LMS; with no LMS it runs in preview mode (everything works, nothing
 * is recorded, nothing is thrown).
 * Debugging: add ?cpdebug=1 to the URL (or set window.CP_DEBUG = true before
 * this script) to log every refused LMS call with console.warn.
 * Tests: under CommonJS (node) the pure functions are exported and nothing
 * touches a DOM; in a browser, window.CP_TEST_HOOKS = true before this script
 * gets them back as window.CP_TEST_HOOKS. */
(function () {
    'use strict';

    /* ---- pure functions (exported for tests) ------------------------------ */

    function pad(n, width) {
        var s = String(n);
        while (s.length < width)
            s = '0' + s;
        return s;
    }

    /* SCORM 1.2 CMITimespan HHHH:MM:SS.SS (RTE 3.4.2.1.7); hours capped at
     * 9999, the most the type can hold. */
    function formatTime12(ms) {
        var cs = Math.max(0, Math.round(ms / 10));
        var h = Math.floor(cs / 360000);
        if (h > 9999)
            return '9999:59:59.99';
        cs -= h * 360000;
        var m = Math.floor(cs / 6000);
        cs -= m * 6000;
        var s = Math.floor(cs / 100);
        cs -= s * 100;
        return pad(h, 4) + ':' + pad(m, 2) + ':' + pad(s, 2) + '.' + pad(cs, 2);
    }

    /* SCORM 2004 timeinterval (ISO 8601 duration), at most 2 decimals:
     * PT1H5M30.25S, PT0S. */
    function formatDuration2004(ms) {
        var cs = Math.max(0, Math.round(ms / 10));
        var h = Math.floor(cs / 360000);
        cs -= h * 360000;
        var m = Math.floor(cs / 6000);
        cs -= m * 6000;
        var s = Math.floor(cs / 100);
        cs -= s * 100;
        var out = 'PT';
        if (h)
            out += h + 'H';
        if (m)
            out += m + 'M';
        out += s;
        if (cs)
            out += '.' + pad(cs, 2).replace(/0$/, '');
        return out + 'S';
    }

    /* 2004 time(second,10,0) in UTC; with a zone designator the fraction is
     * required (RTE 4.2: "2009-07-25T03:00:00.0Z"). */
    function timestamp2004(date) {
        return date.getUTCFullYear() + '-' + pad(date.getUTCMonth() + 1, 2) + '-' +
            pad(date.getUTCDate(), 2) + 'T' + pad(date.getUTCHours(), 2) + ':' +
            pad(date.getUTCMinutes(), 2) + ':' + pad(date.getUTCSeconds(), 2) + '.' +
            Math.floor(date.getUTCMilliseconds() / 100) + 'Z';
    }

    /* 1.2 CMITime: local time of day HH:MM:SS. */
    function time12(date) {
        return pad(date.getHours(), 2) + ':' + pad(date.getMinutes(), 2) + ':' +
            pad(date.getSeconds(), 2);
    }

    var B32 = '0123456789abcdefghijklmnopqrstuv';

    /* ---- choice order (docs/package-format.md "Choice order"; src/shuffle.c
     * is the same algorithm, 32-bit unsigned arithmetic throughout) ---------- */

    /* A seed in base 32 (at most 7 digits); parseSeed returns 0 (as written)
     * for anything that is not one. */
    function formatSeed(seed) {
        return (seed >>> 0).toString(32);
    }

    function parseSeed(s) {
        if (!/^[0-9a-v]{1,7}$/.test(String(s)))
            return 0;
        var v = parseInt(s, 32);
        return v <= 0xFFFFFFFF ? v : 0;
    }

    /* FNV-1a over the UTF-8 bytes of s */
    function fnv1a(h, s) {
        var bytes = unescape(encodeURIComponent(s));
        for (var i = 0; i < bytes.length; i++)
            h = Math.imul(h ^ bytes.charCodeAt(i), 16777619) >>> 0;
        return h;
    }

    /* mulberry32 */
    function draw(st) {
        st.v = (st.v + 0x6D2B79F5) >>> 0;
        var t = st.v;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return (t ^ (t >>> 14)) >>> 0;
    }

    /* The order n choices are shown in: result[i] is the written index of the
     * i-th shown. key names the item (a question's id; a scenario's id, '/',
     * a step's id); fixed[i] true keeps choice i in its place; seed 0 keeps
     * the written order. A Fisher-Yates shuffle of the others. */
    function choiceOrder(seed, key, n, fixed) {
        var order = [], movable = [];
        for (var i = 0; i < n; i++) {
            order.push(i);
            if (!(fixed && fixed[i]))
                movable.push(i);
        }
        if (!seed || movable.length < 2)
            return order;
        var st = { v: ((seed >>> 0) ^ fnv1a(2166136261, String(key))) >>> 0 };
        for (var k = movable.length - 1; k > 0; k--) {
            var j = draw(st) % (k + 1);
            var t = movable[k];
            movable[k] = movable[j];
            movable[j] = t;
        }
        var m = 0;
        for (i = 0; i < n; i++)
            if (!(fixed && fixed[i]))
                order[i] = movable[m++];
        return order;
    }

    /* suspend_data, docs/package-format.md:
     *   v1|c=<role>.<setting>|s=<seen>|q=<qi>:<ids>;...|n=<si>:<codes>;...|o=<seed>
     * state: { role, setting (index or -1), seen: [bool per section],
     *          q: {qi: 'ac'}, n: {si: 'abd'}, o: seed of the choice order
     *          (0 or absent: as written, and no o= segment) } */
    function encodeSuspend(state) {
        var seen = '';
        var bits = state.seen || [];
        for (var i = 0; i < bits.length; i += 5) {
            var v = 0;
            for (var k = 0; k < 5 && i + k < bits.length; k++)
                if (bits[i + k])
                    v |= 1 << k;
            seen += B32.charAt(v);
        }
        seen = seen.replace(/0+$/, '');
        function entries(map) {
            return Object.keys(map || {}).map(Number).sort(function (a, b) { return a - b; })
                .filter(function (k) { return map[k]; })
                .map(function (k) { return k + ':' + map[k]; }).join(';');
        }
        function idx(i) { return i >= 0 ? String(i) : '-'; }
        return 'v1|c=' + idx(state.role) + '.' + idx(state.setting) + '|s=' + seen +
            '|q=' + entries(state.q) + '|n=' + entries(state.n) +
            (state.o ? '|o=' + formatSeed(state.o) : '');
    }

    /* Returns the state, or null when s is empty or not a v1 value. */
    function decodeSuspend(s, nsections) {
        if (typeof s !== 'string' || s.indexOf('v1|') !== 0)
            return null;
        var st = { role: -1, setting: -1, seen: [], q: {}, n: {}, o: 0 };
        var parts = s.split('|');
        for (var i = 1; i < parts.length; i++) {
            var eq = parts[i].indexOf('=');
            if (eq < 0)
                continue;
            var key = parts[i].slice(0, eq), val = parts[i].slice(eq + 1);
            if (key === 'c') {
                var rs = val.split('.');
                st.role = /^\d+$/.test(rs[0]) ? Number(rs[0]) : -1;
                st.setting = /^\d+$/.test(rs[1] || '') ? Number(rs[1]) : -1;
            } else if (key === 's') {
                for (var j = 0; j < val.length; j++) {
                    var v = B32.indexOf(val.charAt(j));
                    for (var k = 0; k < 5; k++)
                        st.seen[j * 5 + k] = v > 0 && (v & (1 << k)) !== 0;
                }
            } else if (key === 'o') {
                st.o = parseSeed(val);
            } else if (key === 'q' || key === 'n') {
                val.split(';').forEach(function (e) {
                    var m = /^(\d+):([a-z0-9]+)$/.exec(e);
                    if (m)
                        st[key][Number(m[1])] = m[2];
                });
            }
        }
        if (nsections) {
            st.seen.length = Math.min(st.seen.length, nsections);
            for (var p = 0; p < nsections; p++)
                st.seen[p] = !!st.seen[p];
        }
        return st;
    }

    /* Learner and correct responses: ids is an array of choice ids.
     * 1.2: choice "a,c", true-false "t"/"f"; 2004: "a[,]c", "true"/"false". */
    function formatResponse(ed, type, ids) {
        if (type === 'truefalse') {
            var t = ids[0] === 'a';
            return ed === '2004' ? (t ? 'true' : 'false') : (t ? 't' : 'f');
        }
        return ids.join(ed === '2004' ? '[,]' : ',');
    }

    function interactionType(type) {
        return type === 'truefalse' ? 'true-false' : 'choice';
    }

    /* result: 'correct' | 'wrong' | 'partial' | 'neutral' */
    function formatResult(ed, result) {
        if (result === 'correct')
            return 'correct';
        if (result === 'wrong')
            return ed === '2004' ? 'incorrect' : 'wrong';
        return 'neutral';
    }

    /* items: [{ weight, result: 'correct'|'partial'|'wrong'|null (not yet) }]
     * Returns { raw (0..100, 2 decimals) or null when nothing is scored,
     *           scored: count, answered: count, complete: every one answered }. */
    function computeScore(items) {
        var total = 0, got = 0, answered = 0;
        items.forEach(function (it) {
            total += it.weight;
            if (it.result) {
                answered++;
                if (it.result === 'correct')
                    got += it.weight;
                else if (it.result === 'partial')
                    got += it.weight / 2;
            }
        });
        var raw = total > 0 ? Math.round(10000 * got / total) / 100 : null;
        if (raw !== null)
            raw = Math.min(100, Math.max(0, raw));
        return { raw: raw, scored: items.length, answered: answered,
                 complete: answered === items.length };
    }

    /* What to report, docs/package-format.md "What the runtime reports".
     * sc = computeScore(); pathSeen: the learner's path is known (context
     * chosen) and every page of it was seen. The attempt is done when the
     * path is seen and every scored item on it answered; before that nothing
     * is completed, passed or failed, whatever the answers so far. */
    function computeStatus(sc, mastery, pathSeen) {
        var done = !!pathSeen && sc.complete;
        var success = done && sc.scored > 0 ? (sc.raw >= mastery ? 'passed' : 'failed') : 'unknown';
        return {
            lesson: !done ? 'incomplete' : sc.scored > 0 ? success : 'completed',   /* 1.2 */
            completion: done ? 'completed' : 'incomplete',                        /* 2004 */
            success: success,
            done: done
        };
    }

    /* 2004 progress_measure: pages seen and scored items answered, out of
     * those of the learner's path; 0 until the path is known, 1 only when
     * done (4 decimals). */
    function computeProgress(pages, seen, sc, known, done) {
        if (done)
            return 1;
        if (!known)
            return 0;
        var total = pages + sc.scored;
        var p = total > 0 ? (seen + sc.answered) / total : 0;
        return Math.min(0.9999, Math.round(p * 10000) / 10000);
    }

    function sameSet(a, b) {
        if (a.length !== b.length)
            return false;
        var x = a.slice().sort(), y = b.slice().sort();
        for (var i = 0; i < x.length; i++)
            if (x[i] !== y[i])
                return false;
        return true;
    }

    /* "role=chief&setting=ed" (launch data or URL query) -> {role, setting} */
    function parseContext(s) {
        var out = {};
        String(s || '').replace(/^[?#]/, '').split('&').forEach(function (kv) {
            var eq = kv.indexOf('=');
            if (eq < 0)
                return;
            var k, v;
            try {
                k = decodeURIComponent(kv.slice(0, eq).replace(/\+/g, ' '));
                v = decodeURIComponent(kv.slice(eq + 1).replace(/\+/g, ' '));
            } catch (e) {
                return;
            }
            if (k === 'role' || k === 'setting')
                out[k] = v;
        });
        return out;
    }

    /* 1.2 comments "[r-id] text" joined by "\n" -> {id: text}, only for the
     * given ids (a text may hold new lines). */
    function parseComments(s, ids) {
        var out = {};
        if (!s)
            return out;
        var starts = [];
        ids.forEach(function (id) {
            var tag = '[' + id + '] ';
            var at = s.indexOf(tag);
            while (at >= 0 && at !== 0 && s.charAt(at - 1) !== '\n')
                at = s.indexOf(tag, at + 1);
            if (at >= 0)
                starts.push({ id: id, at: at, from: at + tag.length });
        });
        starts.sort(function (a, b) { return a.at - b.at; });
        starts.forEach(function (e, i) {
            var end = i + 1 < starts.length ? starts[i + 1].at - 1 : s.length;
            out[e.id] = s.slice(e.from, Math.max(e.from, end));
        });
        return out;
    }

    function commentEntry(id, text) {
        return '[' + id + '] ' + text;
    }

    /* SCORM 1.2 cmi.comments: what to send for one more reflection when the
     * LMS already holds `held` -- the new entry only, after a new line when
     * something is held. The 1.2 data model accumulates comments (Moodle
     * appends each value it is given); sending the whole text again would
     * store the earlier reflections twice. */
    function commentAddition(held, id, text) {
        return (held ? '\n' : '') + commentEntry(id, text);
    }

    var pure = {
        formatTime12: formatTime12, formatDuration2004: formatDuration2004,
        timestamp2004: timestamp2004, time12: time12,
        encodeSuspend: encodeSuspend, decodeSuspend: decodeSuspend,
        formatResponse: formatResponse, interactionType: interactionType,
        formatResult: formatResult, computeScore: computeScore,
        computeStatus: computeStatus, computeProgress: computeProgress, sameSet: sameSet,
        parseContext: parseContext, parseComments: parseComments, commentEntry: commentEntry,
        commentAddition: commentAddition, choiceOrder: choiceOrder, formatSeed: formatSeed,
        parseSeed: parseSeed
    };

    /* eslint-disable-next-line no-undef */
    if (typeof module === 'object' && module && module.exports && typeof document === 'undefined') {
        module.exports = pure;      /* node tests */
        return;
    }
    if (typeof window === 'undefined' || typeof document === 'undefined')
        return;
    if (window.CP_TEST_HOOKS === true)
        window.CP_TEST_HOOKS = pure;

    /* ---- the page ---------------------------------------------------------- */

    var body = document.body;
    if (!body || !body.classList.contains('cp'))
        return;
    /* cmi5 pages report through the cmi5 launch adapter (cp-cmi5.js), which
     * offers a SCORM 2004 API speaking xAPI: they use 2004's data formats. */
    var CMI5 = body.getAttribute('data-cp-scorm') === 'cmi5';
    var ED = body.getAttribute('data-cp-scorm') === '2004' || CMI5 ? '2004' : '12';
    var DEBUG = window.CP_DEBUG === true || /[?&]cpdebug=1\b/.test(window.location.search);
    var MASTERY = Number(body.getAttribute('data-cp-mastery') || '0');
    var ROLES = (body.getAttribute('data-cp-roles') || '').split(',').filter(Boolean);
    var SETTINGS = (body.getAttribute('data-cp-settings') || '').split(',').filter(Boolean);
    var SUSPEND_MAX = ED === '2004' ? 64000 : 4096;
    var COMMA = body.getAttribute('data-cp-lang') === 'fr';     /* decimal comma */

    function warn() {
        if (DEBUG && window.console && console.warn)
            console.warn.apply(console, ['[coursepack]'].concat([].slice.call(arguments)));
    }

    function txt(key, a, b) {
        var s = body.getAttribute('data-cp-text-' + key) || key;
        return s.replace('%1', a === undefined ? '' : String(a))
            .replace('%2', b === undefined ? '' : String(b));
    }

    function all(sel, root) {
        return [].slice.call((root || document).querySelectorAll(sel));
    }

    /* ---- the LMS --------------------------------------------------------------- */

    /* API discovery (SCORM 1.2 RTE 3.3.6.1 / 2004 RTE 3.1.6, ADL's algorithm):
     * walk up the parents (1.2: 7 hops; 2004: bounded at 500), then the
     * opener's chain. A cross-origin window throws on access: skip it. */
    function apiIn(win, name) {
        try {
            return win && win[name] ? win[name] : null;
        } catch (e) {
            return null;
        }
    }

    function scan(win, name, max) {
        for (var hops = 0; win && hops <= max; hops++) {
            var api = apiIn(win, name);
            if (api)
                return api;
            var parent = null;
            try {
                parent = win.parent;
            } catch (e) {
                parent = null;
            }
            if (!parent || parent === win)
                return null;
            win = parent;
        }
        return null;
    }

    function findApi() {
        var name = ED === '2004' ? 'API_1484_11' : 'API';
        var max = ED === '2004' ? 500 : 7;
        var api = scan(window, name, max);
        if (!api) {
            var opener = null;
            try {
                opener = window.opener;
            } catch (e) {
                opener = null;
            }
            if (opener)
                api = scan(opener, name, max);
        }
        return api;
    }

    var F = ED === '2004' ? {
        init: 'Initialize', finish: 'Terminate', get: 'GetValue', set: 'SetValue',
        commit: 'Commit', err: 'GetLastError', errStr: 'GetErrorString', diag: 'GetDiagnostic'
    } : {
        init: 'LMSInitialize', finish: 'LMSFinish', get: 'LMSGetValue', set: 'LMSSetValue',
        commit: 'LMSCommit', err: 'LMSGetLastError', errStr: 'LMSGetErrorString',
        diag: 'LMSGetDiagnostic'
    };
    var E = ED === '2004' ? {
        entry: 'cmi.entry', location: 'cmi.location', suspend: 'cmi.suspend_data',
        launch: 'cmi.launch_data', exit: 'cmi.exit', session: 'cmi.session_time',
        raw: 'cmi.score.raw', min: 'cmi.score.min', max: 'cmi.score.max',
        response: 'learner_response', time: 'timestamp'
    } : {
        entry: 'cmi.core.entry', location: 'cmi.core.lesson_location',
        suspend: 'cmi.suspend_data', launch: 'cmi.launch_data', exit: 'cmi.core.exit',
        session: 'cmi.core.session_time', raw: 'cmi.core.score.raw',
        min: 'cmi.core.score.min', max: 'cmi.core.score.max',
        response: 'student_response', time: 'time'
    };

    var lms = { api: null, live: false, terminated: false, cache: {} };

    function lastError(what) {
        var code = '0';
        try {
            code = String(lms.api[F.err]());
        } catch (e) {
            return;
        }
        if (code !== '0' && code !== '') {
            var str = '', diag = '';
            try {
                str = lms.api[F.errStr](code);
                diag = lms.api[F.diag](code);
            } catch (e) { /* ignored: only for the log */ }
            warn(what, 'failed:', code, str, diag);
        }
        return code;
    }

    function isTrue(r) {
        return r === true || r === 'true';
    }

    function lmsCall(fn, what) {
        if (!lms.live)
            return false;
        var r;
        try {
            r = lms.api[fn]('');
        } catch (e) {
            warn(what, 'threw', e);
            return false;
        }
        if (!isTrue(r)) {
            lastError(what);
            return false;
        }
        return true;
    }

    function get(el) {
        if (!lms.live)
            return '';
        var v;
        try {
            v = lms.api[F.get](el);
        } catch (e) {
            warn('GetValue', el, 'threw', e);
            return '';
        }
        var code = lastError('GetValue(' + el + ')');
        if (code && code !== '0')
            return '';
        return v === null || v === undefined ? '' : String(v);
    }

    function set(el, value) {
        if (!lms.live)
            return false;
        value = String(value);
        var r;
        try {
            r = lms.api[F.set](el, value);
        } catch (e) {
            warn('SetValue', el, 'threw', e);
            return false;
        }
        if (!isTrue(r)) {
            lastError('SetValue(' + el + ', ' + value + ')');
            return false;
        }
        lms.cache[el] = value;
        return true;
    }

    /* Sets only what changed since the last successful set. */
    function setChanged(el, value) {
        if (lms.cache[el] === String(value))
            return true;
        return set(el, value);
    }

    function commit() {
        return lmsCall(F.commit, 'Commit');
    }

    /* ---- the document ------------------------------------------------------------ */

    var main = document.getElementById('cp-main') || body;
    var sections = all('section.cp-page', main);
    var questions = all('form.cp-question', main);
    var scenarios = all('.cp-scenario', main);
    var reflections = all('form.cp-reflection', main);
    var contextSection = main.querySelector('section.cp-context');
    var refSection = main.querySelector('section.cp-references');
    var summarySection = main.querySelector('section.cp-summary');
    var nav = document.querySelector('nav.cp-nav');
    var prevBtn = nav && nav.querySelector('.cp-prev');
    var nextBtn = nav && nav.querySelector('.cp-next');
    var progress = nav && nav.querySelector('.cp-progress');
    var banner = document.querySelector('.cp-banner');

    var state = { role: -1, setting: -1, seen: sections.map(function () { return false; }),
                  q: {}, n: {}, o: 0 };
    var contextChosen = !contextSection;     /* no context: nothing to choose */
    var contextExternal = false;             /* given by launch data or the URL */
    var current = -1;                        /* index into sections */
    var shownAt = Date.now();                /* when the current page was shown */
    var returnTo = -1;                       /* page a citation was followed from */
    var interactions = 0;                    /* next cmi.interactions.n */
    var finished = false;
    var startTime = Date.now();
    var restoring = false;
    var results = { q: {}, n: {} };          /* index -> 'correct'|'partial'|'wrong'|'neutral' */
    var comments12 = '';                     /* 1.2 cmi.comments as the LMS holds them */
    var lmsFinal = false;                    /* the LMS had a final status at launch */

    /* ---- audience ---------------------------------------------------------------- */

    function allowedOne(el) {
        var r = el.getAttribute('data-cp-roles');
        if (r && state.role >= 0 && r.split(',').indexOf(ROLES[state.role]) < 0)
            return false;
        var s = el.getAttribute('data-cp-settings');
        if (s && state.setting >= 0 && s.split(',').indexOf(SETTINGS[state.setting]) < 0)
            return false;
        return true;
    }

    /* Shown to this learner: the element and every ancestor up to <main>. */
    function allowed(el) {
        for (; el && el !== main && el !== body; el = el.parentElement)
            if ((el.hasAttribute('data-cp-roles') || el.hasAttribute('data-cp-settings')) &&
                !allowedOne(el))
                return false;
        return true;
    }

    function sectionShown(i) {
        var s = sections[i];
        if (s === contextSection)
            return !contextExternal;
        if (!contextChosen)
            return false;       /* nothing but the chooser until it is answered */
        return allowed(s);
    }

    function shownIndexes() {
        var out = [];
        for (var i = 0; i < sections.length; i++)
            if (sectionShown(i))
                out.push(i);
        return out;
    }

    function applyAudience() {
        all('[data-cp-roles],[data-cp-settings]', main).forEach(function (el) {
            if (el.classList.contains('cp-page'))
                return;
            el.hidden = !allowedOne(el);
        });
    }

    /* ---- score and status ----------------------------------------------------------- */

    function scoredItems() {
        var items = [];
        questions.forEach(function (f, i) {
            if (sectionShown(sections.indexOf(f.closest('section.cp-page'))) && allowed(f))
                items.push({ weight: Number(f.getAttribute('data-cp-weight') || '1'),
                             result: results.q[i] || null });
        });
        scenarios.forEach(function (s, i) {
            if (s.getAttribute('data-cp-scored') !== 'true')
                return;
            if (sectionShown(sections.indexOf(s.closest('section.cp-page'))) && allowed(s))
                items.push({ weight: Number(s.getAttribute('data-cp-weight') || '1'),
                             result: results.n[i] || null });
        });
        return items;
    }

    /* Every page of the learner's path seen; false until the path is known
     * (the chooser answered), since until then it is not. */
    function pathSeen() {
        return contextChosen && shownIndexes().every(function (i) { return state.seen[i]; });
    }

    /* Where the attempt stands: score, status, progress. */
    function standing() {
        var sc = computeScore(scoredItems());
        var st = computeStatus(sc, MASTERY, pathSeen());
        var shown = shownIndexes();
        var seen = shown.filter(function (i) { return state.seen[i]; }).length;
        return { score: sc, status: st,
                 progress: computeProgress(shown.length, seen, sc, contextChosen, st.done) };
    }

    /* Score and status only once the result is final (done): an LMS shows
     * whatever a commit holds, and Moodle 1.2 turns any score below the pass
     * mark into "failed" at LMSFinish. Before that, the commits carry the
     * bookmark, the suspend data and, in 2004, the progress. A final status
     * the LMS already had when the session started is never lowered. */
    function report() {
        var now = standing(), sc = now.score, st = now.status;
        if (st.done && sc.raw !== null) {
            setChanged(E.min, '0');
            setChanged(E.max, '100');
            setChanged(E.raw, String(sc.raw));
            if (ED === '2004')
                setChanged('cmi.score.scaled', String(Math.round(sc.raw * 100) / 10000));
        }
        if (ED === '2004') {
            if (st.done || !lmsFinal) {
                setChanged('cmi.progress_measure', String(now.progress));
                setChanged('cmi.completion_status', st.completion);
            }
            if (st.success !== 'unknown')
                setChanged('cmi.success_status', st.success);
        } else if (st.done || !lmsFinal) {
            setChanged('cmi.core.lesson_status', st.lesson);
        }
        setChanged(E.exit, exitValue(st.done));
        return now;
    }

    /* suspend until the attempt is done: the LMS keeps it open for a resume */
    function exitValue(done) {
        return done ? (ED === '2004' ? 'normal' : '') : 'suspend';
    }

    function saveSuspend() {
        var s = encodeSuspend(state);
        if (s.length > SUSPEND_MAX) {
            warn('suspend data too long', s.length);
            return;
        }
        setChanged(E.suspend, s);
    }

    /* Everything after a change: suspend data, score, status, commit. */
    function persist() {
        if (restoring)
            return;
        saveSuspend();
        report();
        commit();
    }

    /* ---- interactions ------------------------------------------------------------- */

    /* The writer's data-cp-description, else the prompt's text, cut to the
     * 250 characters of 2004's description. */
    function describe(el, promptSel) {
        var d = el.getAttribute('data-cp-description');
        if (!d) {
            var p = el.querySelector(promptSel);
            d = p ? p.textContent : '';
        }
        d = d.replace(/\s+/g, ' ').trim();
        return d.length > 250 ? d.slice(0, 249) + '\u2026' : d;
    }

    function recordInteraction(o) {
        var n = interactions++;
        var p = 'cmi.interactions.' + n + '.';
        var now = new Date();
        set(p + 'id', o.id);
        set(p + 'type', o.type);
        set(p + 'weighting', String(o.weight));
        set(p + E.response, o.response);
        if (o.correct)
            set(p + 'correct_responses.0.pattern', o.correct);
        set(p + 'result', formatResult(ED, o.result));
        var lat = Date.now() - o.since;
        set(p + 'latency', ED === '2004' ? formatDuration2004(lat) : formatTime12(lat));
        set(p + E.time, ED === '2004' ? timestamp2004(now) : time12(now));
        if (ED === '2004' && o.description)
            set(p + 'description', o.description);
    }

    /* ---- questions -------------------------------------------------------------------- */

    /* The selected choice ids in their written order (a, b, c...), whatever
     * order the choices are shown in: responses do not depend on it. */
    function choiceIds(form) {
        return all('input', form).filter(function (i) { return i.checked; })
            .map(function (i) { return i.value; }).sort();
    }

    function showAnswer(form, ids) {
        var correct = (form.getAttribute('data-cp-correct') || '').split(',').filter(Boolean);
        var right = sameSet(ids, correct);
        all('input', form).forEach(function (i) {
            i.checked = ids.indexOf(i.value) >= 0;
            i.disabled = true;
        });
        all('.cp-choice', form).forEach(function (c) {
            var id = c.getAttribute('data-cp-choice');
            if (correct.indexOf(id) >= 0)
                c.classList.add('cp-is-correct');
            if (ids.indexOf(id) >= 0)
                c.classList.add('cp-is-selected');
        });
        ids.forEach(function (id) {
            var fb = form.querySelector('[data-cp-feedback="' + id + '"]');
            if (fb)
                fb.hidden = false;
        });
        var ex = form.querySelector('.cp-explanation');
        if (ex)
            ex.hidden = false;
        var btn = form.querySelector('.cp-submit');
        if (btn)
            btn.disabled = true;
        form.classList.add('cp-answered', right ? 'cp-right' : 'cp-wrong');
        var res = form.querySelector('.cp-result');
        if (res)
            res.textContent = txt(right ? 'correct' : 'wrong');
        return right;
    }

    function onQuestionSubmit(e) {
        e.preventDefault();
        var form = e.currentTarget;
        var qi = questions.indexOf(form);
        if (state.q[qi])
            return;
        var ids = choiceIds(form);
        var res = form.querySelector('.cp-result');
        if (!ids.length) {
            if (res)
                res.textContent = txt('choose');
            return;
        }
        var right = showAnswer(form, ids);
        results.q[qi] = right ? 'correct' : 'wrong';
        state.q[qi] = ids.join('');
        var type = form.getAttribute('data-cp-type');
        var correct = (form.getAttribute('data-cp-correct') || '').split(',').filter(Boolean);
        recordInteraction({
            id: form.getAttribute('data-cp-question'), type: interactionType(type),
            weight: form.getAttribute('data-cp-weight') || '1',
            response: formatResponse(ED, type, ids),
            correct: correct.length ? formatResponse(ED, type, correct) : '',
            result: results.q[qi], since: shownAt,
            description: describe(form, '.cp-prompt')
        });
        persist();
    }

    /* ---- scenarios ------------------------------------------------------------------------ */

    var plays = scenarios.map(function () { return { codes: '', first: true }; });

    function stepOf(sc, id) {
        return all('.cp-step', sc).filter(function (s) {
            return s.getAttribute('data-cp-step') === id;
        })[0] || null;
    }

    function resetScenario(sc) {
        all('.cp-step', sc).forEach(function (s, i) { s.hidden = i !== 0; });
        all('.cp-consequence', sc).forEach(function (c) { c.hidden = true; });
        all('.cp-step-choice', sc).forEach(function (b) {
            b.disabled = false;
            b.classList.remove('cp-chosen');
            b.removeAttribute('aria-pressed');
        });
        var restart = sc.querySelector('.cp-restart');
        if (restart)
            restart.hidden = true;
        var res = sc.querySelector(':scope > .cp-result');
        if (res)
            res.textContent = '';
    }

    /* Takes a choice in the scenario; returns the ending's result when the
     * target is an ending, else null. */
    function takeChoice(sc, btn, focus) {
        var step = btn.closest('.cp-step');
        all('.cp-step-choice', step).forEach(function (b) { b.disabled = true; });
        btn.classList.add('cp-chosen');
        btn.setAttribute('aria-pressed', 'true');
        var code = btn.getAttribute('data-cp-choice');
        var cons = step.querySelector('[data-cp-consequence="' + code + '"]');
        if (cons)
            cons.hidden = false;
        var target = stepOf(sc, btn.getAttribute('data-cp-target'));
        if (target)
            target.hidden = false;
        if (focus && cons) {
            cons.setAttribute('tabindex', '-1');
            cons.focus();
        }
        if (target && target.classList.contains('cp-end')) {
            var restart = sc.querySelector('.cp-restart');
            if (restart)
                restart.hidden = false;
            var res = sc.querySelector(':scope > .cp-result');
            var end = target.getAttribute('data-cp-end');
            if (res)
                res.textContent = txt('ended') + (end ? ' ' + txt(end === 'correct' ? 'correct'
                    : end === 'partial' ? 'partial' : 'wrong') : '');
            return end || 'neutral';
        }
        return null;
    }

    function onStepChoice(e) {
        var btn = e.currentTarget;
        if (btn.disabled)
            return;
        var sc = btn.closest('.cp-scenario');
        var si = scenarios.indexOf(sc);
        var play = plays[si];
        play.codes += btn.getAttribute('data-cp-choice');
        var end = takeChoice(sc, btn, true);
        if (!play.first)
            return;             /* a replay: for learning only */
        state.n[si] = play.codes;
        if (end) {
            var scored = sc.getAttribute('data-cp-scored') === 'true';
            results.n[si] = scored ? end : 'neutral';
            var best = (sc.getAttribute('data-cp-best') || '').split(',').filter(Boolean);
            recordInteraction({
                id: sc.getAttribute('data-cp-scenario'), type: 'choice',
                weight: scored ? sc.getAttribute('data-cp-weight') || '1' : '0',
                response: formatResponse(ED, 'choice', play.codes.split('')),
                correct: best.length ? formatResponse(ED, 'choice', best) : '',
                result: scored ? end : 'neutral', since: shownAt,
                description: describe(sc, '.cp-scenario-title, .cp-step')
            });
        }
        persist();
    }

    function onRestart(e) {
        var sc = e.currentTarget.closest('.cp-scenario');
        var si = scenarios.indexOf(sc);
        plays[si] = { codes: '', first: false };
        resetScenario(sc);
        var start = sc.querySelector('.cp-step');
        if (start)
            start.focus();
    }

    /* Replays a recorded first path on resume. */
    function restoreScenario(si, codes) {
        var sc = scenarios[si];
        var step = sc.querySelector('.cp-step');
        for (var i = 0; i < codes.length && step; i++) {
            var btn = step.querySelector('.cp-step-choice[data-cp-choice="' + codes[i] + '"]');
            if (!btn)
                break;
            var end = takeChoice(sc, btn, false);
            if (end) {
                results.n[si] = sc.getAttribute('data-cp-scored') === 'true' ? end : 'neutral';
                plays[si] = { codes: codes, first: false };
                return;
            }
            step = stepOf(sc, btn.getAttribute('data-cp-target'));
        }
        plays[si] = { codes: codes.slice(0, i), first: true };
    }

    /* ---- reflections ------------------------------------------------------------------------ */

    function showReflection(form, text) {
        var ta = form.querySelector('textarea');
        if (ta) {
            ta.value = text;
            ta.readOnly = true;
        }
        var btn = form.querySelector('.cp-submit');
        if (btn)
            btn.disabled = true;
        form.classList.add('cp-answered');
        var res = form.querySelector('.cp-result');
        if (res)
            res.textContent = txt('saved');
    }

    function onReflectionSubmit(e) {
        e.preventDefault();
        var form = e.currentTarget;
        if (form.classList.contains('cp-answered'))
            return;
        var ta = form.querySelector('textarea');
        var id = form.getAttribute('data-cp-reflection');
        var max = Number(form.getAttribute('data-cp-max') || '500');
        var text = ta ? ta.value.trim().slice(0, max) : '';
        if (!text) {
            var res = form.querySelector('.cp-result');
            if (res)
                res.textContent = txt('empty');
            return;
        }
        if (ED === '2004') {
            var n = Number(get('cmi.comments_from_learner._count') || '0');
            var p = 'cmi.comments_from_learner.' + n + '.';
            set(p + 'comment', text);
            set(p + 'location', id);
            set(p + 'timestamp', timestamp2004(new Date()));
        } else {
            saveComment12(id, text);
        }
        showReflection(form, text);
        commit();
    }

    /* Sends the new entry only (see commentAddition). An LMS that replaces
     * cmi.comments instead of adding to it (scorm-again does) would then hold
     * the last reflection alone: reading the value back tells which kind this
     * LMS is, and a replacing one gets the whole text, so every reflection
     * still comes back on resume. */
    function saveComment12(id, text) {
        var add = commentAddition(comments12, id, text);
        var all = comments12 + add;
        if (!set('cmi.comments', add))
            return;
        var held = get('cmi.comments');
        if (comments12 && held === add && set('cmi.comments', all))
            held = all;
        comments12 = held && held.length >= all.length ? held : all;
    }

    function restoreReflections() {
        var ids = reflections.map(function (f) { return f.getAttribute('data-cp-reflection'); });
        var texts = {};
        if (ED === '2004') {
            var n = Number(get('cmi.comments_from_learner._count') || '0');
            for (var i = 0; i < n; i++) {
                var loc = get('cmi.comments_from_learner.' + i + '.location');
                if (ids.indexOf(loc) >= 0)
                    texts[loc] = get('cmi.comments_from_learner.' + i + '.comment');
            }
        } else {
            comments12 = get('cmi.comments');
            texts = parseComments(comments12, ids);
        }
        reflections.forEach(function (f) {
            var id = f.getAttribute('data-cp-reflection');
            if (texts[id])
                showReflection(f, texts[id]);
        });
    }

    /* ---- choice order ------------------------------------------------------------------------ */

    /* A new attempt's seed: ?cpseed=<base 32> in the page's address (tests,
     * or a trainer reproducing the order a learner saw in preview), else a
     * random one, never 0 (0 is the order as written). */
    function newSeed() {
        var m = /[?&]cpseed=([0-9a-v]{1,7})(?:&|$)/.exec(window.location.search);
        if (m)
            return parseSeed(m[1]);
        var v = 0;
        try {
            var a = new Uint32Array(1);
            while (!v) {
                window.crypto.getRandomValues(a);
                v = a[0];
            }
        } catch (e) {
            while (!v)
                v = Math.floor(Math.random() * 0x100000000) >>> 0;
        }
        return v;
    }

    /* Moves items (siblings, in written order) into the order given. Their
     * ids, inputs and feedback move with them: only the order changes, for
     * the eye, the Tab key and screen readers alike. */
    function reorder(items, order) {
        if (items.length < 2 || items.some(function (e) { return e.parentNode !== items[0].parentNode; }))
            return;
        var parent = items[0].parentNode, after = items[items.length - 1].nextSibling;
        order.forEach(function (k) { parent.insertBefore(items[k], after); });
    }

    /* Every question's choices (not true/false, not data-cp-shuffle="false";
     * data-cp-fixed choices keep their place) and every scenario step's, in
     * the order of this attempt's seed. */
    function applyChoiceOrder(seed) {
        if (!seed)
            return;
        questions.forEach(function (form) {
            if (form.getAttribute('data-cp-type') === 'truefalse' ||
                form.getAttribute('data-cp-shuffle') === 'false')
                return;
            var items = all('.cp-choice', form);
            var fixed = items.map(function (c) { return c.hasAttribute('data-cp-fixed'); });
            reorder(items, choiceOrder(seed, form.getAttribute('data-cp-question') || '',
                                       items.length, fixed));
        });
        scenarios.forEach(function (sc) {
            if (sc.getAttribute('data-cp-shuffle') === 'false')
                return;
            all('.cp-step', sc).forEach(function (step) {
                var items = all('.cp-step-choice', step).map(function (b) { return b.closest('li') || b; });
                reorder(items, choiceOrder(seed, (sc.getAttribute('data-cp-scenario') || '') + '/' +
                                           (step.getAttribute('data-cp-step') || ''), items.length));
            });
        });
    }

    /* ---- context ----------------------------------------------------------------------------- */

    function setContext(role, setting) {
        state.role = role;
        state.setting = setting;
        contextChosen = true;
        applyAudience();
        if (contextSection) {
            all('input', contextSection).forEach(function (i) {
                i.checked = (i.name === 'cp-role' && i.value === ROLES[role]) ||
                    (i.name === 'cp-setting' && i.value === SETTINGS[setting]);
                i.disabled = true;
            });
            var btn = contextSection.querySelector('.cp-submit');
            if (btn)
                btn.hidden = true;
        }
    }

    /* Returns true when the chooser is complete (and applies it). */
    function submitContext() {
        var form = contextSection.querySelector('form');
        var role = -1, setting = -1;
        all('input', form).forEach(function (i) {
            if (i.checked && i.name === 'cp-role')
                role = ROLES.indexOf(i.value);
            if (i.checked && i.name === 'cp-setting')
                setting = SETTINGS.indexOf(i.value);
        });
        var needRole = ROLES.length > 0, needSetting = SETTINGS.length > 0;
        if ((needRole && role < 0) || (needSetting && setting < 0)) {
            var res = form.querySelector('.cp-result');
            if (res)
                res.textContent = txt('context-required');
            return false;
        }
        setContext(role, setting);
        return true;
    }

    /* ---- navigation ---------------------------------------------------------------------------- */

    function show(i, focus) {
        if (i < 0 || i >= sections.length)
            return;
        current = i;
        shownAt = Date.now();
        sections.forEach(function (s, k) {
            s.hidden = k !== i;
            s.classList.toggle('cp-excluded', !sectionShown(k));
        });
        state.seen[i] = true;
        var shown = shownIndexes();
        var pos = shown.indexOf(i);
        if (prevBtn)
            prevBtn.disabled = pos <= 0;
        if (nextBtn)
            nextBtn.disabled = pos < 0 || pos >= shown.length - 1 || finished;
        if (progress)
            progress.textContent = txt('progress', pos + 1, shown.length);
        if (refSection) {
            var back = refSection.querySelector('.cp-back');
            if (back)
                back.hidden = !(sections[i] === refSection && returnTo >= 0);
        }
        if (sections[i] === summarySection)
            fillSummary();
        if (!restoring)
            setChanged(E.location, sections[i].getAttribute('data-cp-page') || '');
        if (focus) {
            var h = sections[i].querySelector('h1');
            if (h) {
                if (!h.hasAttribute('tabindex'))
                    h.setAttribute('tabindex', '-1');
                h.focus();
            }
            window.scrollTo(0, 0);
        }
        persist();
    }

    function step(dir) {
        if (finished)
            return;
        if (dir > 0 && sections[current] === contextSection &&
            !contextSection.querySelector('input:disabled') && !submitContext())
            return;
        var shown = shownIndexes();
        var pos = shown.indexOf(current);
        var next = shown[pos + dir];
        if (next !== undefined) {
            returnTo = -1;
            show(next, true);
        }
    }

    function fillSummary() {
        var out = summarySection.querySelector('.cp-summary-body');
        if (!out)
            return;
        var now = standing(), sc = now.score, st = now.status;
        var lines = [];
        if (!lms.live)
            lines.push(txt('preview'));
        if (sc.scored === 0) {
            lines.push(txt('noscore'));
        } else {
            if (sc.raw !== null && sc.answered > 0)
                lines.push(txt('score', String(sc.raw).replace('.', COMMA ? ',' : '.')));
            if (st.done)
                lines.push(st.success === 'passed' ? txt('passed') : txt('failed', MASTERY));
            else if (!sc.complete)
                lines.push(txt('pending', sc.scored - sc.answered));
        }
        var shown = shownIndexes();
        lines.push(txt('seen', shown.filter(function (i) { return state.seen[i]; }).length,
                       shown.length));
        while (out.firstChild)
            out.removeChild(out.firstChild);
        lines.forEach(function (l) {
            var p = document.createElement('p');
            p.textContent = l;
            out.appendChild(p);
        });
    }

    /* ---- the end of the session ----------------------------------------------------------------- */

    /* Ends the session: exit says whether the attempt is done (the finish
     * button on an unfinished attempt still leaves it open for a resume). */
    function terminate() {
        if (lms.terminated)
            return;
        if (lms.live) {
            var t = Date.now() - startTime;
            set(E.session, ED === '2004' ? formatDuration2004(t) : formatTime12(t));
            report();
            commit();
            lmsCall(F.finish, 'Terminate');
        }
        lms.terminated = true;
        lms.live = false;
    }

    function finish() {
        if (finished)
            return;
        persist();
        finished = true;
        var done = standing().status.done;
        terminate();
        var btn = summarySection && summarySection.querySelector('.cp-finish');
        if (btn)
            btn.disabled = true;
        if (nextBtn)
            nextBtn.disabled = true;
        if (prevBtn)
            prevBtn.disabled = true;
        var out = summarySection && summarySection.querySelector('.cp-summary-body');
        if (out) {
            var p = document.createElement('p');
            p.className = 'cp-finished';
            p.textContent = txt(done ? 'finished' : 'suspended');
            out.appendChild(p);
        }
    }

    /* ---- start ------------------------------------------------------------------------------------ */

    function start(api) {
        lms.api = api;
        if (lms.api) {
            lms.live = true;
            if (!lmsCall(F.init, 'Initialize')) {
                lms.live = false;
                warn('no LMS session: preview mode');
            }
        }
        if (!lms.live && banner) {
            banner.textContent = txt('preview');
            banner.hidden = false;
        }
        restoring = true;
        if (lms.live) {
            if (ED === '2004') {
                var cs = get('cmi.completion_status');
                lmsFinal = cs === 'completed';
                if (cs === 'unknown' || cs === 'not attempted' || cs === '')
                    set('cmi.completion_status', 'incomplete');
            } else {
                var ls = get('cmi.core.lesson_status');
                lmsFinal = ls === 'passed' || ls === 'failed' || ls === 'completed';
                if (ls === 'not attempted' || ls === '')
                    set('cmi.core.lesson_status', 'incomplete');
            }
            var count = get('cmi.interactions._count');
            interactions = /^\d+$/.test(count) ? Number(count) : -1;
            /* cmi5: passed and failed follow the LMS's masteryScore (10.2.4),
             * which may differ from the one the page was built with */
            var passing = CMI5 ? get('cmi.scaled_passing_score') : '';
            if (/^(0(\.\d+)?|1(\.0*)?)$/.test(passing))
                MASTERY = Math.round(Number(passing) * 10000) / 100;
        }
        /* 2004: suspend data and location exist only on resume (else 403) */
        var resume = ED === '12' || get(E.entry) === 'resume';
        var saved = resume ? decodeSuspend(get(E.suspend), sections.length) : null;
        /* the choice order: the attempt's own on resume (none kept: as
         * written, the attempt began so), a new one for a new attempt */
        state.o = saved ? saved.o : newSeed();
        applyChoiceOrder(state.o);
        /* context: suspend data, then launch data, then the URL, else the chooser */
        var ctx = null;
        if (saved && (saved.role >= 0 || saved.setting >= 0))
            ctx = { role: saved.role, setting: saved.setting };
        if (contextSection && !ctx) {
            var given = parseContext(get(E.launch));
            var q = parseContext(window.location.search);
            var role = ROLES.indexOf(given.role || q.role || '');
            var setting = SETTINGS.indexOf(given.setting || q.setting || '');
            if ((role >= 0 || !ROLES.length) && (setting >= 0 || !SETTINGS.length)) {
                ctx = { role: role, setting: setting };
                contextExternal = true;
            }
        }
        if (ctx)
            setContext(ctx.role, ctx.setting);
        else
            applyAudience();
        if (saved) {
            saved.seen.forEach(function (v, i) {
                if (i < state.seen.length)
                    state.seen[i] = state.seen[i] || v;
            });
            Object.keys(saved.q).forEach(function (k) {
                var qi = Number(k), form = questions[qi];
                if (!form)
                    return;
                var ids = saved.q[k].split('');
                results.q[qi] = showAnswer(form, ids) ? 'correct' : 'wrong';
                state.q[qi] = saved.q[k];
            });
            Object.keys(saved.n).forEach(function (k) {
                var si = Number(k);
                if (!scenarios[si])
                    return;
                state.n[si] = saved.n[k];
                restoreScenario(si, saved.n[k]);
            });
        }
        restoreReflections();
        /* _count unreadable (an LMS refusing it in 1.2): one interaction was
         * recorded per answered question and per finished first path */
        if (interactions < 0)
            interactions = Object.keys(results.q).length +
                Object.keys(results.n).filter(function (k) { return results.n[k]; }).length;

        questions.forEach(function (f) { f.addEventListener('submit', onQuestionSubmit); });
        reflections.forEach(function (f) { f.addEventListener('submit', onReflectionSubmit); });
        all('.cp-step-choice', main).forEach(function (b) {
            b.addEventListener('click', onStepChoice);
        });
        all('.cp-restart', main).forEach(function (b) { b.addEventListener('click', onRestart); });
        if (contextSection) {
            contextSection.querySelector('form').addEventListener('submit', function (e) {
                e.preventDefault();
                if (!contextSection.querySelector('input:disabled') && submitContext())
                    step(1);
            });
        }
        all('a.cp-cite', main).forEach(function (a) {
            a.addEventListener('click', function (e) {
                var ri = refSection ? sections.indexOf(refSection) : -1;
                if (ri < 0)
                    return;
                e.preventDefault();
                var from = current;
                show(ri, false);
                returnTo = from;
                var back = refSection.querySelector('.cp-back');
                if (back)
                    back.hidden = false;
                var li = document.getElementById((a.getAttribute('href') || '').slice(1));
                if (li) {
                    li.setAttribute('tabindex', '-1');
                    li.focus();
                    li.classList.add('cp-target');
                }
            });
        });
        if (refSection) {
            var back = refSection.querySelector('.cp-back');
            if (back)
                back.addEventListener('click', function () {
                    var to = returnTo;
                    returnTo = -1;
                    if (to >= 0)
                        show(to, true);
                });
        }
        if (prevBtn)
            prevBtn.addEventListener('click', function () { step(-1); });
        if (nextBtn)
            nextBtn.addEventListener('click', function () { step(1); });
        var fin = summarySection && summarySection.querySelector('.cp-finish');
        if (fin)
            fin.addEventListener('click', finish);
        document.addEventListener('keydown', function (e) {
            if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.defaultPrevented)
                return;
            var t = e.target && e.target.tagName;
            if (t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || t === 'BUTTON' ||
                (e.target && e.target.isContentEditable))
                return;
            if (e.key === 'ArrowRight')
                step(1);
            else if (e.key === 'ArrowLeft')
                step(-1);
        });
        window.addEventListener('pagehide', terminate);
        document.addEventListener('visibilitychange', function () {
            if (document.visibilityState === 'hidden' && !lms.terminated)
                commit();
        });

        /* first page: the bookmark when it is shown, else the first page shown */
        var shown = shownIndexes();
        var first = shown.length ? shown[0] : 0;
        var loc = resume ? get(E.location) : '';
        if (contextChosen && loc)
            sections.forEach(function (s, i) {
                if (s.getAttribute('data-cp-page') === loc && shown.indexOf(i) >= 0)
                    first = i;
            });
        show(first, false);
        restoring = false;
        setChanged(E.location, sections[current].getAttribute('data-cp-page') || '');
        persist();
    }

    function boot(api) {
        try {
            start(api);
        } catch (e) {
            /* never leave the learner with a dead page: show everything */
            warn('runtime failed', e);
            sections.forEach(function (s) { s.hidden = false; });
        }
    }

    if (!CMI5) {
        boot(findApi());
    } else {
        /* the first page alone while the LMS answers; without the adapter or
         * the launch parameters (opened from disk), preview mode */
        sections.forEach(function (s, i) { s.hidden = i !== 0; });
        var adapter = window.CP_CMI5;
        if (!adapter || typeof adapter.connect !== 'function') {
            boot(null);
        } else {
            adapter.connect({ lang: body.getAttribute('data-cp-lang') || 'und',
                              duration: formatDuration2004 })
                .then(boot, function (e) {
                    warn('cmi5: the LMS cannot be used, preview mode', e);
                    boot(null);
                });
        }
    }
})();
