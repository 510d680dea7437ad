/* cp-cmi5.js: the cmi5 launch adapter of coursepack's runtime (cmi5 AU
 * requirements, sections 7 to 11). Loaded before cp-runtime.js in cmi5
 * packages only. When the page was launched with the cmi5 parameters
 * (endpoint, fetch, actor, registration, activityId), connect() fetches the
 * auth token (one POST), reads LMS.LaunchData and the learner preferences,
 * and the AU's own state, then hands the runtime a SCORM 2004 API whose
 * calls become xAPI: the runtime scores and decides as it does for SCORM
 * (one scorer, one set of status rules), and this file only translates:
 *   Initialize            -> "initialized"
 *   an interaction, a learner comment set, then Commit -> "answered" (cmi5 allowed)
 *   completion_status completed            -> "completed" (once per registration)
 *   success_status passed / failed + score -> "passed" / "failed" (masteryScore in context)
 *   Commit                -> the AU's state document (bookmark, suspend data, comments)
 *   Terminate             -> "terminated", last, with the session's duration
 * Every rule of the spec the AU must keep is kept here whatever the runtime
 * asks: nothing but initialized and terminated outside Normal mode, no verb
 * twice in a session, completed and passed at most once per registration,
 * no failed after passed, strictly increasing timestamps.
 * Under CommonJS (node tests) the pure functions are exported and nothing
 * touches a browser. */
(function () {
    'use strict';

    var VERBS = 'http://adlnet.gov/expapi/verbs/';
    var CAT_CMI5 = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
    var CAT_MOVEON = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
    var EXT_SESSION = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';
    var EXT_MASTERY = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';
    var EXT_PROGRESS = 'https://w3id.org/xapi/cmi5/result/extensions/progress';
    var INTERACTION = 'http://adlnet.gov/expapi/activities/cmi.interaction';
    var STATE_ID = 'coursepack.attempt';           /* the AU's own state document */
    var LAUNCH_PARAMS = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];

    /* ---- pure functions (exported for tests) ---------------------------------- */

    /* The cmi5 launch parameters of a query string (8.1), in any order, each
     * URL-encoded; null when one is missing or actor is not JSON. */
    function parseLaunch(search) {
        var out = {};
        String(search || '').replace(/^\?/, '').split('&').forEach(function (kv) {
            var eq = kv.indexOf('=');
            if (eq < 0)
                return;
            try {
                out[decodeURIComponent(kv.slice(0, eq))] =
                    decodeURIComponent(kv.slice(eq + 1).replace(/\+/g, ' '));
            } catch (e) { /* a malformed pair is not ours */ }
        });
        for (var i = 0; i < LAUNCH_PARAMS.length; i++)
            if (!out[LAUNCH_PARAMS[i]])
                return null;
        try {
            out.actor = JSON.parse(out.actor);
        } catch (e) {
            return null;
        }
        if (!out.actor || typeof out.actor !== 'object')
            return null;
        if (!/\/$/.test(out.endpoint))
            out.endpoint += '/';
        return { endpoint: out.endpoint, fetch: out.fetch, actor: out.actor,
                 registration: out.registration, activityId: out.activityId };
    }

    function clone(o) {
        return o === undefined ? undefined : JSON.parse(JSON.stringify(o));
    }

    /* The statement's context: the LMS's contextTemplate, never overwritten
     * (10.2.1), with the registration, the categories and extensions added. */
    function contextFrom(template, registration, extra) {
        var c = clone(template) || {};
        if (c.registration === undefined)
            c.registration = registration;
        c.contextActivities = c.contextActivities || {};
        c.extensions = c.extensions || {};
        (extra.category || []).forEach(function (id) {
            var list = c.contextActivities.category = c.contextActivities.category || [];
            if (!list.some(function (a) { return a && a.id === id; }))
                list.push({ id: id, objectType: 'Activity' });
        });
        if (extra.parent)
            c.contextActivities.parent = (c.contextActivities.parent || [])
                .concat([{ id: extra.parent, objectType: 'Activity' }]);
        Object.keys(extra.extensions || {}).forEach(function (k) {
            if (c.extensions[k] === undefined)
                c.extensions[k] = extra.extensions[k];
        });
        if (extra.language && c.language === undefined)
            c.language = extra.language;
        if (!Object.keys(c.extensions).length)
            delete c.extensions;
        return c;
    }

    /* A cmi5 defined statement (7.1.3): a cmi5 verb about the AU, with the
     * cmi5 category, and the moveOn category when the result carries success
     * or completion (9.6.2.2). */
    function definedStatement(s, verb, result, timestamp, extensions) {
        var cat = [CAT_CMI5];
        if (result && (result.success !== undefined || result.completion !== undefined))
            cat.push(CAT_MOVEON);
        var st = {
            id: s.uuid(), actor: s.launch.actor,
            verb: { id: VERBS + verb, display: { 'en-US': verb } },
            object: { id: s.launch.activityId, objectType: 'Activity' },
            context: contextFrom(s.launchData.contextTemplate, s.launch.registration,
                                 { category: cat, extensions: extensions, language: s.lang }),
            timestamp: timestamp
        };
        if (result)
            st.result = result;
        return st;
    }

    /* The activity of an item of the AU: the AU's id, then the item's. */
    function itemId(activityId, id) {
        if (activityId.indexOf('?') < 0 && activityId.indexOf('#') < 0)
            return activityId + '/' + encodeURIComponent(id);
        var base = activityId.split('#')[0];
        return base + (base.indexOf('?') < 0 ? '?' : '&') + 'item=' + encodeURIComponent(id);
    }

    /* "answered" (cmi5 allowed: the context template, no cmi5 category) for
     * one interaction the runtime recorded, in SCORM 2004 words:
     * {id, type, learner_response, result, latency, timestamp, description,
     *  correct_responses.0.pattern}. */
    function answeredStatement(s, it, timestamp) {
        var def = { type: INTERACTION, interactionType: it.type || 'other' };
        if (it.description) {
            def.description = {};
            def.description[s.lang] = it.description;
            def.name = def.description;
        }
        if (it['correct_responses.0.pattern'] !== undefined)
            def.correctResponsesPattern = [it['correct_responses.0.pattern']];
        var result = { response: it.learner_response || '' };
        if (it.result === 'correct' || it.result === 'incorrect')
            result.success = it.result === 'correct';
        if (it.latency)
            result.duration = it.latency;
        return {
            id: s.uuid(), actor: s.launch.actor,
            verb: { id: VERBS + 'answered', display: { 'en-US': 'answered' } },
            object: { id: itemId(s.launch.activityId, it.id), objectType: 'Activity',
                      definition: def },
            result: result,
            context: contextFrom(s.launchData.contextTemplate, s.launch.registration,
                                 { parent: s.launch.activityId, language: s.lang }),
            timestamp: timestamp
        };
    }

    /* The score of passed/failed (9.5.1): scaled is the runtime's raw / 100;
     * raw is an integer in cmi5, so the score rounded down (raw >= the pass
     * mark exactly when scaled >= masteryScore). */
    function scoreOf(raw) {
        var r = Number(raw);
        return { scaled: Math.round(r * 100) / 10000, raw: Math.floor(r + 1e-9), min: 0,
                 max: 100 };
    }

    /* What the AU may still send in this registration and session: the
     * verbs of a cmi5 defined statement, by the rules of 9.3 and 10.2.2. */
    function allowed(verb, mode, sent, session) {
        if (verb === 'initialized' || verb === 'terminated')
            return !session[verb];
        if (mode !== 'Normal' || session[verb] || session.terminated)
            return false;
        if (verb === 'completed')
            return !sent.completed;
        if (verb === 'passed')
            return !sent.passed && !session.failed;
        if (verb === 'failed')
            return !sent.passed && !session.passed;
        return false;
    }

    var pure = {
        parseLaunch: parseLaunch, contextFrom: contextFrom, definedStatement: definedStatement,
        answeredStatement: answeredStatement, itemId: itemId, scoreOf: scoreOf,
        allowed: allowed, STATE_ID: STATE_ID
    };

    /* eslint-disable-next-line no-undef */
    if (typeof module === 'object' && module && module.exports && typeof document === 'undefined') {
        module.exports = pure;      /* node tests */
        return;
    }
    if (typeof window === 'undefined' || typeof document === 'undefined')
        return;

    /* ---- talking to the LMS ----------------------------------------------------- */

    var DEBUG = window.CP_DEBUG === true || /[?&]cpdebug=1\b/.test(window.location.search);

    function warn() {
        if (DEBUG && window.console && console.warn)
            console.warn.apply(console, ['[coursepack cmi5]'].concat([].slice.call(arguments)));
    }

    function uuid() {
        var b = new Uint8Array(16);
        window.crypto.getRandomValues(b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        var h = [].map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
        return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' +
            h.slice(16, 20) + '-' + h.slice(20);
    }

    /* One xAPI request. keepalive lets the last ones outlive the page (the
     * browser refuses other requests while a page is being dismissed); it
     * has a small budget, so a refused keepalive request is sent again
     * without it. Resolves to the Response. */
    function xapi(s, method, path, body, keepalive) {
        var init = {
            method: method,
            headers: { 'X-Experience-API-Version': '1.0.3', Authorization: s.auth },
            cache: 'no-store', keepalive: !!keepalive
        };
        if (body !== undefined) {
            init.headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        return window.fetch(s.launch.endpoint + path, init).catch(function (e) {
            if (!keepalive)
                throw e;
            init.keepalive = false;
            return window.fetch(s.launch.endpoint + path, init);
        });
    }

    function query(o) {
        return Object.keys(o).map(function (k) {
            return encodeURIComponent(k) + '=' + encodeURIComponent(o[k]);
        }).join('&');
    }

    /* The State API's resource for this AU, learner and registration;
     * with stateId one document, without it the list of their ids. */
    function statePath(s, stateId) {
        var q = { activityId: s.launch.activityId, agent: JSON.stringify(s.launch.actor),
                  registration: s.launch.registration };
        if (stateId)
            q.stateId = stateId;
        return 'activities/state?' + query(q);
    }

    function getJson(s, path) {
        return xapi(s, 'GET', path).then(function (r) {
            if (!r.ok)
                throw new Error('GET ' + path.split('?')[0] + ': HTTP ' + r.status);
            return r.text().then(function (t) { return t ? JSON.parse(t) : null; });
        });
    }

    /* A JSON document of the State or Agent Profile API, or null when there
     * is none. The list of ids is read first (200, empty or not), so that an
     * absent document costs no 404, which browsers log as an error. */
    function getDocument(s, listPath, idParam, id) {
        return getJson(s, listPath).then(function (ids) {
            if (!Array.isArray(ids) || ids.indexOf(id) < 0)
                return null;
            return getJson(s, listPath + '&' + idParam + '=' + encodeURIComponent(id));
        });
    }

    /* The token (8.2): one POST, never a GET. */
    function fetchToken(url) {
        return window.fetch(url, { method: 'POST', cache: 'no-store' }).then(function (r) {
            return r.json();
        }).then(function (j) {
            if (!j || typeof j['auth-token'] !== 'string')
                throw new Error('fetch URL: ' + (j && j['error-text'] ? j['error-text']
                    : 'no auth-token'));
            return j['auth-token'];
        });
    }

    /* ---- the session ----------------------------------------------------------------- */

    /* The session's outgoing statements: sent in order, all that wait in one
     * POST, one POST at a time, and sent again while the LMS cannot be
     * reached. Terminate does not wait for a POST on its way: what is left
     * goes at once, with keepalive, so that it outlives the page. */
    function makeSender(s) {
        var queue = [], inflight = 0, wait = 1000, timer = null, waiters = [];
        function settle() {
            if (!inflight && (!queue.length || s.dead))
                waiters.splice(0).forEach(function (f) { f(); });
        }
        function retry() {
            if (!timer) {
                timer = window.setTimeout(function () { timer = null; send(false); }, wait);
                wait = Math.min(wait * 2, 30000);
            }
            settle();
        }
        function send(now) {
            if (s.dead || !queue.length || (inflight && !now))
                return settle();
            var batch = queue.splice(0);
            inflight++;
            xapi(s, 'POST', 'statements', batch, now || s.ending).then(function (r) {
                inflight--;
                if (r.ok || r.status === 409) {     /* 409: those ids are stored already */
                    wait = 1000;
                } else if (r.status === 400 || r.status === 403) {
                    warn('statements refused: HTTP ' + r.status);   /* again would change nothing */
                } else if (r.status === 401) {
                    warn('the LMS no longer accepts this session\'s token');
                    s.dead = true;
                } else {
                    queue.unshift.apply(queue, batch);
                    retry();
                    return;
                }
                send(false);
            }, function (e) {
                inflight--;
                warn('statements not sent', e);
                queue.unshift.apply(queue, batch);
                retry();
            });
        }
        return {
            add: function (st) { queue.push(st); },
            send: send,
            /* resolves when nothing is left to send (or the LMS refused the token) */
            drained: function () {
                return new Promise(function (ok) { waiters.push(ok); settle(); });
            }
        };
    }

    function makeApi(s) {
        var data = {};              /* what the runtime set, by element */
        var err = '0';
        var session = {};           /* cmi5 defined verbs sent in this session */
        var emitted = {};           /* interaction indexes already sent */
        var commentsSent = s.state.comments.length;
        var lastTs = 0, started = 0;
        var sender = makeSender(s);
        var stateBusy = false, stateAgain = false, stateWritten = JSON.stringify(s.state);
        var normal = s.launchData.launchMode === 'Normal';

        function now() {
            var t = Math.max(Date.now(), lastTs + 1);     /* strictly increasing */
            lastTs = t;
            return new Date(t).toISOString();
        }

        function emit(verb, result, extensions) {
            if (!allowed(verb, s.launchData.launchMode, s.state.sent, session))
                return false;
            session[verb] = true;
            if (verb === 'completed' || verb === 'passed' || verb === 'failed')
                s.state.sent[verb] = true;
            sender.add(definedStatement(s, verb, result, now(), extensions));
            return true;
        }

        function elapsed() {
            return started ? Date.now() - started : 0;
        }

        /* Time spent in the attempt so far: earlier sessions and this one. */
        function attemptTime() {
            return s.duration(s.timeBefore + elapsed());
        }

        function writeState(keepalive) {
            if (!normal)
                return;
            s.state.timeMs = s.timeBefore + elapsed();
            var json = JSON.stringify(s.state);
            if (json === stateWritten)
                return;
            if (stateBusy && !keepalive) {
                stateAgain = true;
                return;
            }
            stateBusy = true;
            stateWritten = json;
            xapi(s, 'PUT', statePath(s, STATE_ID), JSON.parse(json), keepalive || s.ending)
                .then(function (r) {
                    if (!r.ok)
                        warn('state not saved: HTTP ' + r.status);
                }, function (e) { warn('state not saved', e); })
                .then(function () {
                    stateBusy = false;
                    if (stateAgain) {
                        stateAgain = false;
                        writeState(false);
                    }
                });
        }

        /* What the runtime recorded since the last Commit, as statements. */
        function report() {
            if (normal) {
                Object.keys(data).forEach(function (k) {
                    var m = /^cmi\.interactions\.(\d+)\.result$/.exec(k);
                    if (!m || emitted[m[1]])
                        return;
                    emitted[m[1]] = true;
                    var it = {}, p = 'cmi.interactions.' + m[1] + '.';
                    Object.keys(data).forEach(function (e) {
                        if (e.indexOf(p) === 0)
                            it[e.slice(p.length)] = data[e];
                    });
                    sender.add(answeredStatement(s, it, now()));
                });
                for (; commentsSent < s.state.comments.length; commentsSent++) {
                    var c = s.state.comments[commentsSent];
                    sender.add(answeredStatement(s, { id: c.location, type: 'long-fill-in',
                        learner_response: c.comment }, now()));
                }
            }
            var completion = data['cmi.completion_status'];
            var success = data['cmi.success_status'];
            if (completion === 'completed' && s.state.completion !== 'completed') {
                s.state.completion = 'completed';
                emit('completed', { completion: true, duration: attemptTime() });
            }
            if ((success === 'passed' || success === 'failed') && s.state.success !== success &&
                data['cmi.score.raw'] !== undefined) {
                s.state.success = success;
                var ext = {};
                if (s.mastery !== null)
                    ext[EXT_MASTERY] = s.mastery;
                emit(success, { success: success === 'passed',
                                score: scoreOf(data['cmi.score.raw']),
                                duration: attemptTime() }, ext);
            }
            if (data['cmi.location'] !== undefined)
                s.state.location = data['cmi.location'];
            if (data['cmi.suspend_data'] !== undefined)
                s.state.suspend = data['cmi.suspend_data'];
            sender.send(false);
            writeState(false);
        }

        var get = {
            'cmi.entry': function () { return s.resumed ? 'resume' : 'ab-initio'; },
            'cmi.mode': function () {
                return { Normal: 'normal', Browse: 'browse', Review: 'review' }[
                    s.launchData.launchMode] || 'normal';
            },
            'cmi.completion_status': function () {
                return s.state.completion || 'not attempted';
            },
            'cmi.success_status': function () { return s.state.success || 'unknown'; },
            'cmi.location': function () { return s.state.location || ''; },
            'cmi.suspend_data': function () { return s.state.suspend || ''; },
            'cmi.launch_data': function () { return s.launchData.launchParameters || ''; },
            'cmi.scaled_passing_score': function () {
                return s.mastery === null ? '' : String(s.mastery);
            },
            'cmi.interactions._count': function () {
                var n = 0;
                Object.keys(data).forEach(function (k) {
                    var m = /^cmi\.interactions\.(\d+)\.id$/.exec(k);
                    if (m)
                        n = Math.max(n, Number(m[1]) + 1);
                });
                return String(n);
            },
            'cmi.comments_from_learner._count': function () {
                return String(s.state.comments.length);
            }
        };

        return {
            Initialize: function () {
                if (started)
                    return 'false';
                started = Date.now();
                emit('initialized');
                sender.send(false);
                return 'true';
            },
            GetValue: function (el) {
                err = '0';
                if (data[el] !== undefined)
                    return data[el];
                var m = /^cmi\.comments_from_learner\.(\d+)\.(comment|location|timestamp)$/.exec(el);
                if (m && s.state.comments[Number(m[1])])
                    return s.state.comments[Number(m[1])][m[2]];
                if (get[el])
                    return get[el]();
                err = '403';        /* not initialized: nothing to give */
                return '';
            },
            SetValue: function (el, value) {
                err = '0';
                if (!started || session.terminated) {
                    err = started ? '133' : '132';
                    return 'false';
                }
                var m = /^cmi\.comments_from_learner\.(\d+)\.(comment|location|timestamp)$/.exec(el);
                if (m) {
                    var n = Number(m[1]);
                    if (n > s.state.comments.length) {
                        err = '351';
                        return 'false';
                    }
                    if (!s.state.comments[n])
                        s.state.comments[n] = { comment: '', location: '', timestamp: '' };
                    s.state.comments[n][m[2]] = String(value);
                    return 'true';
                }
                data[el] = String(value);
                return 'true';
            },
            Commit: function () {
                if (!started || session.terminated)
                    return 'false';
                report();
                return 'true';
            },
            Terminate: function () {
                if (!started || session.terminated)
                    return 'false';
                s.ending = true;
                report();
                var result = { duration: s.duration(elapsed()) };
                var pm = Number(data['cmi.progress_measure']);
                if (s.state.completion !== 'completed' && pm >= 0 && pm < 1 && normal)
                    result.extensions = {};
                if (result.extensions)
                    result.extensions[EXT_PROGRESS] = Math.floor(pm * 100);
                emit('terminated', result);
                writeState(true);
                sender.send(true);
                if (s.launchData.returnURL && !s.unloading) {
                    /* 10.2.6: back to the LMS once the last statements are out */
                    sender.drained().then(function () {
                        window.location.href = s.launchData.returnURL;
                    });
                }
                return 'true';
            },
            GetLastError: function () { return err; },
            GetErrorString: function (code) { return 'cmi5 adapter error ' + code; },
            GetDiagnostic: function (code) { return 'cmi5 adapter error ' + code; }
        };
    }

    /* Resolves to the SCORM 2004 API speaking cmi5, or to null when the page
     * was not launched by a cmi5 LMS (no launch parameters: preview mode).
     * Rejects when the LMS cannot be used (the token refused, no launch
     * data): the runtime then runs in preview mode too, saying so.
     * opts: { lang, duration: ms -> ISO 8601 duration }. */
    function connect(opts) {
        var launch = parseLaunch(window.location.search);
        if (!launch)
            return Promise.resolve(null);
        var s = { launch: launch, lang: opts.lang || 'und', duration: opts.duration, uuid: uuid,
                  auth: null, launchData: null, state: null, mastery: null, resumed: false,
                  ending: false, unloading: false, dead: false };
        window.addEventListener('pagehide', function () { s.unloading = true; });
        return fetchToken(launch.fetch).then(function (token) {
            s.auth = 'Basic ' + token;
            return getJson(s, statePath(s, 'LMS.LaunchData'));
        }).then(function (ld) {
            if (!ld || !ld.contextTemplate || !ld.launchMode)
                throw new Error('no LMS.LaunchData (or no contextTemplate or launchMode in it)');
            s.launchData = ld;
            var m = Number(ld.masteryScore);
            s.mastery = ld.masteryScore !== undefined && ld.masteryScore !== null &&
                isFinite(m) && m >= 0 && m <= 1 ? m : null;
            /* 11.0: read on startup; a single-language page has nothing to
             * change, and an LMS may have no such document */
            return getDocument(s, 'agents/profile?' + query({ agent: JSON.stringify(launch.actor) }),
                               'profileId', 'cmi5LearnerPreferences')
                .catch(function (e) { warn('learner preferences', e); return null; });
        }).then(function (prefs) {
            s.preferences = prefs;
            return getDocument(s, statePath(s, null), 'stateId', STATE_ID);
        }).then(function (saved) {
            s.resumed = !!(saved && saved.v === 1);
            s.state = s.resumed ? saved : { v: 1, suspend: '', location: '', comments: [],
                                            completion: '', success: '', sent: {}, timeMs: 0 };
            s.state.sent = s.state.sent || {};
            s.state.comments = s.state.comments || [];
            s.timeBefore = Number(s.state.timeMs) || 0;
            return makeApi(s);
        });
    }

    window.CP_CMI5 = { connect: connect };
    if (window.CP_TEST_HOOKS === true)
        window.CP_CMI5.pure = pure;
})();
