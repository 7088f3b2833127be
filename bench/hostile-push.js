'use strict';
// bench/hostile-push.js: the two sides of bench/hostile-push.sh (issue 16).
//
//   node bench/hostile-push.js official <baseUrl> <seconds> [intervalMs=50]
//     The official socket.io-client (the pinned one in src/test/socketio), as a frontend uses it (polling, then the
//     upgrade to WebSocket): subscribes to one wallet, then every intervalMs emits subscribe:positions for the same
//     wallet with an ack (already followed: the server answers {ok:true} at once, no indexer call) and records the
//     ack's round trip. 20 events a second, under NUTS_PUSH_MAX_PACKETS_PER_SECOND (50). Prints one JSON line:
//     {connected, acks, failed, timeouts, p50, p99, max, disconnects:[reasons], transport}.
//
//   node bench/hostile-push.js attack <port> <announcers> <holders> <flooders>
//     Raw Engine.IO 4 WebSockets (the ws package socket.io-client ships with), each from its own X-Forwarded-For
//     (198.51.100.<n>; the service trusts loopback as its proxy), each reconnecting as soon as it is closed, until
//     SIGTERM; then prints one JSON line of what happened (sessions, handshakes refused, closes by code and reason).
//     announcer: a binary event announcing 1,000,000 attachments, then up to 20 binary frames of 1 MB (- 64 bytes);
//     holder:    a binary event announcing 4 attachments (NUTS_PUSH_MAX_ATTACHMENTS), then 1 MB frames until closed
//                (past NUTS_PUSH_MAX_BUFFERED_PER_SOCKET at the third);
//     flooder:   in turn a 50,000-deep nested array, a 1.5 MB JSON text (over NUTS_PUSH_MAX_MESSAGE), and 500 small
//                events at once (over NUTS_PUSH_MAX_PACKETS_PER_SECOND), each on a fresh session.
const modules = require('path').join(__dirname, '..', 'src', 'test', 'socketio', 'node_modules');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
const round = (x) => (x == null ? null : Math.round(x * 100) / 100);

async function official(url, seconds, intervalMs) {
  const { io } = require(modules + '/socket.io-client');
  const wallet = '0x' + 'c0ffee'.padStart(40, '0');
  const socket = io(url, { reconnection: false, timeout: 20000 });
  const out = { connected: false, acks: 0, failed: 0, timeouts: 0, disconnects: [], connectErrors: [] };
  socket.on('disconnect', (reason) => out.disconnects.push(reason));
  socket.on('connect_error', (e) => out.connectErrors.push(e.message));
  const connected = await new Promise((resolve) => {
    socket.on('connect', () => resolve(true));
    socket.on('connect_error', () => resolve(false));
    setTimeout(() => resolve(false), 20000);
  });
  const emit = () =>
    new Promise((resolve) => {
      const start = process.hrtime.bigint();
      socket.timeout(5000).emit('subscribe:positions', wallet, (err, ack) => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        resolve({ err, ok: !!(ack && ack.ok), ms, ack });
      });
    });
  const rtts = [];
  if (connected) {
    out.connected = true;
    const first = await emit(); // charges the positions budget once, reads the wallet from the indexer
    if (!first.ok) out.firstAck = first.err ? String(first.err) : first.ack;
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end && socket.connected) {
      const tick = Date.now();
      const r = await emit();
      if (r.err) out.timeouts++;
      else if (!r.ok) out.failed++;
      else {
        out.acks++;
        rtts.push(r.ms);
      }
      const wait = intervalMs - (Date.now() - tick);
      if (wait > 0) await sleep(wait);
    }
    out.stillConnected = socket.connected;
    out.transport = socket.io.engine ? socket.io.engine.transport.name : null;
  }
  out.disconnects = out.disconnects.slice(); // before our own close below adds 'io client disconnect'
  const result = out;
  rtts.sort((a, b) => a - b);
  Object.assign(out, { p50: round(pct(rtts, 50)), p99: round(pct(rtts, 99)), max: round(rtts[rtts.length - 1]) });
  console.log(JSON.stringify(result));
  socket.close();
  process.exit(0);
}

function attack(port, announcers, holders, flooders) {
  const WebSocket = require(modules + '/ws');
  const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
  const stats = { sessions: 0, refused: {}, errors: 0, closes: {}, notClosedByServer: 0, mbSent: 0 };
  const megabyte = Buffer.alloc(1024 * 1024 - 64, 7);
  const announce = (n) => {
    let p = `45${n}-["x"`;
    for (let i = 0; i < (n > 64 ? 1 : n); i++) p += `,{"_placeholder":true,"num":${i}}`;
    return p + ']';
  };
  const deep = '42["subscribe:positions",' + '['.repeat(50000) + ']'.repeat(50000) + ']';
  const oversized = '42["subscribe:positions","' + 'x'.repeat(1536 * 1024) + '"]';
  let stopping = false;

  // One session: resolves {ws, closed} once the namespace is connected, or null if refused or failed.
  function open(forwardedFor) {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { headers: { 'X-Forwarded-For': forwardedFor }, perMessageDeflate: false });
      let closeResolve;
      const closed = new Promise((r) => (closeResolve = r));
      let settled = false;
      const settle = (v) => {
        if (!settled) {
          settled = true;
          resolve(v);
        }
      };
      ws.on('unexpected-response', (req, res) => {
        stats.refused[res.statusCode] = (stats.refused[res.statusCode] || 0) + 1;
        res.resume();
        req.destroy();
        closeResolve({ code: 'refused' });
        settle(null);
      });
      ws.on('error', () => {
        stats.errors++;
        closeResolve({ code: 'error' });
        settle(null);
      });
      ws.on('close', (code, reason) => {
        closeResolve({ code, reason: reason.toString() });
        settle(null);
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const text = data.toString();
        if (text.startsWith('0{')) ws.send('40');
        else if (text.startsWith('40')) {
          stats.sessions++;
          settle({ ws, closed });
        } else if (text === '2') ws.send('3');
      });
    });
  }
  const send = (ws, data) =>
    new Promise((resolve) => {
      if (ws.readyState !== WebSocket.OPEN) return resolve(false);
      ws.send(data, (err) => resolve(!err));
    });
  // Waits for the server to close the session (at most 5 s), counting the close by code and reason.
  async function awaitClose(s) {
    const c = await Promise.race([s.closed, sleep(5000).then(() => null)]);
    if (!c) {
      stats.notClosedByServer++;
      s.ws.terminate();
      return;
    }
    const key = `${c.code} ${(c.reason || '').split(':')[0]}`.trim();
    stats.closes[key] = (stats.closes[key] || 0) + 1;
  }

  async function worker(kind, n) {
    const forwardedFor = `198.51.100.${n + 1}`;
    let turn = 0;
    while (!stopping) {
      const s = await open(forwardedFor);
      if (!s) {
        await sleep(100);
        continue;
      }
      if (kind === 'announcer' || kind === 'holder') {
        await send(s.ws, announce(kind === 'announcer' ? 1000000 : 4));
        for (let i = 0; i < 20 && !stopping; i++) {
          if (!(await send(s.ws, megabyte))) break;
          stats.mbSent++;
        }
      } else {
        const what = turn++ % 3;
        if (what === 0) await send(s.ws, deep);
        else if (what === 1) await send(s.ws, oversized);
        else for (let i = 0; i < 500; i++) if (!(await send(s.ws, '42["ping:me"]'))) break;
      }
      await awaitClose(s);
    }
  }

  let n = 0;
  const workers = [];
  for (let i = 0; i < announcers; i++) workers.push(worker('announcer', n++));
  for (let i = 0; i < holders; i++) workers.push(worker('holder', n++));
  for (let i = 0; i < flooders; i++) workers.push(worker('flooder', n++));
  const started = Date.now();
  process.on('SIGTERM', () => {
    stopping = true;
    stats.seconds = (Date.now() - started) / 1000;
    console.log(JSON.stringify(stats));
    process.exit(0);
  });
}

const [role, ...rest] = process.argv.slice(2);
if (role === 'official') official(rest[0], Number(rest[1]), Number(rest[2] || 50));
else if (role === 'attack') attack(Number(rest[0]), Number(rest[1]), Number(rest[2]), Number(rest[3]));
else {
  console.error('usage: hostile-push.js official <baseUrl> <seconds> [intervalMs] | attack <port> <a> <h> <f>');
  process.exit(2);
}
