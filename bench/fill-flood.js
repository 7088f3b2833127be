'use strict';
// Fill submissions under a flood (run by bench/fill-flood.sh; dev/'s ethers through bench/chain-bench.js).
//   node bench/fill-flood.js proxy UPSTREAM_RPC PORT
//     a JSON-RPC proxy on 127.0.0.1:PORT in front of UPSTREAM_RPC counting the calls per method (batch elements one
//     by one); GET /calls answers the counts. Runs until killed.
//   node bench/fill-flood.js run DEPLOYMENT_FILE API_BASE PROXY_URL RATE CLIENTS SECONDS FILLS REFERRER [TOKEN]
//     for SECONDS, RATE made-up hashes a second to POST /nuts/fills, from CLIENTS addresses in turn (X-Forwarded-For
//     198.18.x.y: the service trusts loopback as its proxy), after one real fill not measured (a warm service);
//     meanwhile FILLS real fills through REFERRER, spread over
//     the flood after its first tenth, each on its own schedule and from its own address (203.0.113.n): the fill is sent, its receipt awaited
//     (polled every 25 ms), then it is submitted and GET /nuts/fills/{hash} polled every 50 ms until `recorded`.
//     Prints one JSON line: the flood's answers, submit -> recorded p50/p95/max of the real fills, refusals of real
//     fills, eth_getTransactionReceipt calls the node got during the flood, and the highest
//     nuts_fills_submissions_pending seen (with TOKEN, read every second).
const http = require('node:http');
const fs = require('node:fs');
const { sleep, pct } = require('./fill-plans.js');
const { rpc, setUp, signedTxs, BOOK, ERC20 } = require('./chain-bench.js');

function proxy(upstream, port) {
  const calls = {};
  const server = http.createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/calls') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(calls));
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    try {
      const parsed = JSON.parse(body.toString('utf8'));
      for (const call of Array.isArray(parsed) ? parsed : [parsed]) calls[call.method] = (calls[call.method] || 0) + 1;
      const answer = await fetch(upstream, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (e) {
      res.writeHead(502);
      res.end(String(e));
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
}

async function post(api, txHash, client) {
  const r = await fetch(`${api}/nuts/fills`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ txHash }),
    signal: AbortSignal.timeout(30_000),
  });
  const json = await r.json();
  return { status: r.status, code: json.success ? 'accepted' : json.error.code };
}

const randomHash = () => '0x' + [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');

async function receiptCalls(proxyUrl) {
  const r = await fetch(`${proxyUrl}/calls`);
  return (await r.json()).eth_getTransactionReceipt || 0;
}

async function run(file, api, proxyUrl, rate, clients, seconds, fills, referrer, token) {
  const { d, takers, order, signature } = await setUp(file);
  const url = d.rpcUrl;
  const taker = takers[0];
  let nonce = Number(await rpc(url, 'eth_getTransactionCount', [taker.address, 'pending']));
  const [approve] = await signedTxs(d, taker, nonce++, 1, ERC20.encodeFunctionData('approve', [d.optionBook, 2n ** 255n]), d.tokens[0].address);
  const approveHash = await rpc(url, 'eth_sendRawTransaction', [approve]);
  while (!(await rpc(url, 'eth_getTransactionReceipt', [approveHash]))) await sleep(100);
  const fillData = BOOK.encodeFunctionData('fillOrder', [order, signature, referrer]);
  // one real fill sent, submitted and recorded before the flood and not measured: a service that has served fills
  const realFill = async () => {
    const [tx] = await signedTxs(d, taker, nonce++, 1, fillData, d.optionBook);
    const hash = (await rpc(url, 'eth_sendRawTransaction', [tx])).toLowerCase();
    let receipt;
    while (!(receipt = await rpc(url, 'eth_getTransactionReceipt', [hash]))) await sleep(25);
    if (receipt.status !== '0x1') throw new Error(`fill ${hash} reverted`);
    return hash;
  };
  const warmUp = await realFill();
  if ((await post(api, warmUp, '203.0.113.254')).code !== 'accepted') throw new Error('the warm-up fill was refused');
  for (let t = Date.now(); ; await sleep(100)) {
    const r = await fetch(`${api}/nuts/fills/${warmUp}`);
    if ((await r.json()).data?.state === 'recorded') break;
    if (Date.now() - t > 60_000) throw new Error('the warm-up fill was not recorded in 60 s');
  }

  const callsBefore = await receiptCalls(proxyUrl);
  const started = Date.now();
  const until = started + seconds * 1000;
  const flood = {};
  let floodErrors = 0;
  let pendingPeak = 0;
  let running = true;

  const floodLoop = (async () => {
    const inFlight = new Set();
    for (let i = 0; Date.now() < until; i++) {
      const at = started + (i * 1000) / rate;
      if (at > Date.now()) await sleep(at - Date.now());
      const c = i % clients;
      const p = post(api, randomHash(), `198.18.${c >> 8}.${c & 255}`)
        .then((a) => (flood[a.code] = (flood[a.code] || 0) + 1))
        .catch(() => floodErrors++)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();

  const gaugeLoop = (async () => {
    if (!token) return;
    while (running) {
      try {
        const r = await fetch(`${api}/actuator/prometheus`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
        const m = /^nuts_fills_submissions_pending(?:\{[^}]*\})? ([0-9.e+]+)/m.exec(await r.text());
        if (m) pendingPeak = Math.max(pendingPeak, Number(m[1]));
      } catch {}
      await sleep(1000);
    }
  })();

  const latencies = [];
  const hashes = [];
  const refusals = {};
  const failed = [];
  let duringFlood = 0; // recorded while the flood was still sending
  const first = started + seconds * 100; // a tenth in: the flood is under way
  const every = fills > 1 ? (seconds * 1000 * 0.8) / (fills - 1) : 0;
  // each real fill on its own schedule, so that a slow one does not push the next ones past the flood
  const oneFill = async (i) => {
    await sleep(Math.max(0, first + i * every - Date.now()));
    const hash = await realFill();
    hashes.push(hash);
    const client = `203.0.113.${1 + (i % 250)}`;
    const submitted = Date.now();
    // refused (the limits): retried every second for 10 s, as a frontend following the error's advice would
    let answer;
    for (;;) {
      answer = await post(api, hash, client);
      if (answer.code === 'accepted') break;
      refusals[answer.code] = (refusals[answer.code] || 0) + 1;
      if (Date.now() - submitted > 10_000) break;
      await sleep(1000);
    }
    if (answer.code !== 'accepted') {
      failed.push(`${hash}: ${answer.code}`);
      return;
    }
    for (;;) {
      const r = await fetch(`${api}/nuts/fills/${hash}`, { signal: AbortSignal.timeout(10_000) });
      const state = (await r.json()).data?.state;
      if (state === 'recorded') {
        latencies.push(Date.now() - submitted);
        if (Date.now() < until) duringFlood++;
        return;
      }
      if (state === 'failed' || Date.now() - submitted > 60_000) {
        failed.push(`${hash}: ${state}`);
        return;
      }
      await sleep(50);
    }
  };
  await Promise.all([...Array(fills).keys()].map(oneFill));
  await floodLoop;
  const floodSeconds = (Date.now() - started) / 1000;
  const calls = (await receiptCalls(proxyUrl)) - callsBefore;
  running = false;
  await gaugeLoop;
  const accepted = flood.accepted || 0;
  console.log(
    JSON.stringify({
      flood: { rate, clients, seconds, untilAllAnswered: Number(floodSeconds.toFixed(1)), answers: flood, errors: floodErrors, pendingPeak },
      realFills: {
        sent: fills,
        recorded: latencies.length,
        recordedWhileFlooding: duringFlood,
        submitToRecordedMs: { p50: pct(latencies, 50), p95: pct(latencies, 95), max: latencies.length ? Math.max(...latencies) : null },
        inOrderOfRecordingMs: latencies,
        hashes,
        refusals,
        failed,
      },
      receiptCalls: { total: calls, perSecond: Number((calls / floodSeconds).toFixed(1)), perAcceptedHash: accepted ? Number((calls / accepted).toFixed(2)) : null },
    }),
  );
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'proxy') {
  proxy(args[0], Number(args[1]));
} else if (mode === 'run') {
  run(args[0], args[1], args[2], Number(args[3]), Number(args[4]), Number(args[5]), Number(args[6]), args[7], args[8])
    .then(() => process.exit(0))
    .catch((e) => {
      console.error(e.stack || e.message);
      process.exit(1);
    });
} else {
  console.error('usage: fill-flood.js proxy UPSTREAM PORT | run DEPLOYMENT API PROXY RATE CLIENTS SECONDS FILLS REFERRER [TOKEN]');
  process.exit(2);
}
