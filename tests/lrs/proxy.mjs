// A fault-injecting HTTP proxy in front of the LRS, for tests/integration/lrs_sync.sh.
//   node proxy.mjs LISTEN_PORT LRS_PORT USER:PASSWORD
// It checks every xAPI request for the Basic credentials and the
// X-Experience-API-Version header (401 / 400 otherwise), then applies the
// fault set with POST /__ctl {"mode": ..., "count": n, "id": ..., "delay": ms}:
//   pass       forward (default)
//   down       drop the connection without an answer (count requests)
//   fail500    answer 500 without forwarding (count requests)
//   acklost    forward, let the LRS store, then drop the connection before
//              the answer reaches the client (count requests)
//   corrupt    forward, but break the statement with this id (verb.id "bad")
//              so the real LRS refuses it with 400 and its reasons
//   slow       forward, then hold the answer delay ms
//   hold       wait delay ms, then forward (the LRS may have died meanwhile:
//              the client then gets 502)
//   conflict   answer 409 "<id> is conflicting" to a POST holding this id,
//              as an LRS does for an id it holds (PUT goes through)
// GET /__stats gives {"requests", "badAuth", "noVersion", "puts"}.
import http from 'node:http';

const [listenPort, lrsPort, cred] = process.argv.slice(2);
const wantAuth = 'Basic ' + Buffer.from(cred).toString('base64');
let fault = { mode: 'pass', count: Infinity };
const stats = { requests: 0, badAuth: 0, noVersion: 0, puts: 0 };

function readBody(req) {
    return new Promise((resolve) => {
        const parts = [];
        req.on('data', (c) => parts.push(c));
        req.on('end', () => resolve(Buffer.concat(parts)));
    });
}

function forward(req, body) {
    return new Promise((resolve, reject) => {
        const headers = { ...req.headers, 'content-length': String(body.length) };
        delete headers.host;
        const up = http.request({ host: '127.0.0.1', port: lrsPort, method: req.method,
                                  path: req.url, headers }, (res) => {
            readBody(res).then((b) => resolve({ status: res.statusCode, headers: res.headers, body: b }));
        });
        up.on('error', reject);
        up.end(body);
    });
}

function take() {
    if (fault.mode === 'pass' || fault.count <= 0)
        return 'pass';
    fault.count--;
    return fault.mode;
}

const server = http.createServer(async (req, res) => {
    let body = await readBody(req);
    if (req.url === '/__ctl') {
        const f = JSON.parse(body.toString());
        fault = { mode: f.mode, count: f.count ?? Infinity, id: f.id, delay: f.delay ?? 0 };
        res.end('ok');
        return;
    }
    if (req.url === '/__stats') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(stats));
        return;
    }
    stats.requests++;
    if (req.method === 'PUT')
        stats.puts++;
    if (req.headers.authorization !== wantAuth) {
        stats.badAuth++;
        res.statusCode = 401;
        res.end('{"message":"Unauthorised"}');
        return;
    }
    if (req.headers['x-experience-api-version'] !== '1.0.3') {
        stats.noVersion++;
        res.statusCode = 400;
        res.end('{"message":"X-Experience-API-Version header missing"}');
        return;
    }
    const mode = take();
    if (mode === 'down') {
        req.socket.destroy();
        return;
    }
    if (mode === 'fail500') {
        res.statusCode = 500;
        res.end('{"message":"injected failure"}');
        return;
    }
    if (mode === 'conflict' && req.method === 'POST') {
        fault.count++;
        if (JSON.parse(body.toString()).some((st) => st.id === fault.id)) {
            res.statusCode = 409;
            res.end(JSON.stringify({ message: `${fault.id} is conflicting` }));
            return;
        }
    }
    if (mode === 'conflict' && req.method === 'PUT')
        fault.count++;
    if (mode === 'corrupt' && req.method === 'POST') {
        const list = JSON.parse(body.toString());
        for (const st of list)
            if (st.id === fault.id)
                st.verb.id = 'bad';
        body = Buffer.from(JSON.stringify(list));
        fault.count++;          // keeps corrupting that statement
    }
    if (mode === 'hold')
        await new Promise((r) => setTimeout(r, fault.delay));
    let answer;
    try {
        answer = await forward(req, body);
    } catch (e) {
        res.statusCode = 502;
        res.end(JSON.stringify({ message: String(e) }));
        return;
    }
    if (mode === 'acklost') {
        req.socket.destroy();
        return;
    }
    if (mode === 'slow')
        await new Promise((r) => setTimeout(r, fault.delay));
    res.statusCode = answer.status;
    for (const h of ['content-type', 'x-experience-api-version'])
        if (answer.headers[h])
            res.setHeader(h, answer.headers[h]);
    res.end(answer.body);
});
server.listen(Number(listenPort), '127.0.0.1', () => console.log(`proxy listening on ${listenPort}`));
