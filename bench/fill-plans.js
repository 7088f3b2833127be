'use strict';
// Shared by bench/push-latency.js and bench/browser-push-latency.js: sleep, percentiles, JSON over HTTP with a
// timeout, and a fill plan (POST /nuts/orders/{id}/fill-plan) for the freshest ETH call spread of the feed.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The p-th percentile (nearest rank) of xs, or null when there are none. */
function pct(xs, p) {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** One JSON request, 60 s at most: {status, json}. */
async function http(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, json: await res.json() };
}

/** A nutsgate call: its data, or an Error naming the error code. */
async function api(base, path, body) {
  const { json } = await http(base, body ? 'POST' : 'GET', path, body);
  if (!json.success) throw new Error(`${path}: ${json.error.code} ${json.error.message}`);
  return json.data;
}

/** A plan for the freshest ETH call spread; the feed moves under us (quotes expire, get filled), so try thrice. */
async function freshestPlan(base, taker, attempts = 3) {
  try {
    const now = Date.now() / 1000;
    const o = (await api(base, '/nuts/orders?underlying=ETH&product=CALL_SPREAD')).orders
      .filter((x) => x.orderExpiryTimestamp > now + 40)
      .sort((x, y) => y.orderExpiryTimestamp - x.orderExpiryTimestamp)[0];
    if (!o) throw new Error('no fillable ETH call spread in the feed');
    return await api(base, `/nuts/orders/${o.id}/fill-plan`, { usdcAmount: '20', taker });
  } catch (e) {
    if (attempts <= 1 || !/ORDER_NOT_FOUND|no fillable/.test(e.message)) throw e;
    await sleep(1000);
    return freshestPlan(base, taker, attempts - 1);
  }
}

/**
 * When this process first saw each block: eth_blockNumber every 50 ms straight over HTTP (no client cache or
 * batching in between). A block the poll skipped over (two new blocks between polls) has no time: the latency of a
 * fill in it is not measured rather than guessed.
 */
function watchBlocks(rpcUrl) {
  const seen = new Map();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}',
          signal: AbortSignal.timeout(1000),
        });
        const n = Number(BigInt((await res.json()).result));
        if (!seen.has(n)) seen.set(n, Date.now());
      } catch {}
      await sleep(50);
    }
  })();
  return {
    at: (n) => seen.get(Number(n)),
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

module.exports = { sleep, pct, http, api, freshestPlan, watchBlocks };
