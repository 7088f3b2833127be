'use strict';
// bench/push-latency.js: time from a fill's block to its trade:new push, p50/p95 over N fills.
//   node bench/push-latency.js --api A --watch B --deployment FILE [--fills 50] [--mode update|fills|chain]
// Fills are planned on instance A (POST /nuts/orders/{id}/fill-plan), signed with the devnet's taker key and sent to
// the chain; the socket (official socket.io-client, as the demo page uses) is connected to instance B. "Block time" is
// when this process first sees the fill's block (eth_blockNumber polled every 50 ms), so the figure includes the
// receipt poll, POST /nuts/update (mode update: the Thetanuts-style flow: update, the indexer syncs, nutsgate checks
// after NUTS_PUSH_AFTER_UPDATE_CHECKS), POST /nuts/fills (mode fills: when the server has it) or nothing at all
// (mode chain: our chain indexer, BASE_RPC_URL, sees the block by itself and pushes "seen"),
// the trade sync and the Redis fan-out from A to B. receipt_*: from when this process has the receipt to the push
// (can be negative: the chain indexer may push before ethers' receipt poll returns).
const { ethers } = require('../dev/node_modules/ethers');
const { io } = require('../src/test/socketio/node_modules/socket.io-client');
const fs = require('node:fs');
const { sleep, pct, api, freshestPlan, watchBlocks } = require('./fill-plans');

function args() {
  const a = { fills: 50, mode: 'update' };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) a[v[i].replace(/^--/, '')] = v[i + 1];
  if (!a.api || !a.watch || !a.deployment) throw new Error('usage: --api URL --watch URL --deployment FILE [--fills N] [--mode update|fills]');
  a.fills = Number(a.fills);
  return a;
}

async function main() {
  const a = args();
  const d = JSON.parse(fs.readFileSync(a.deployment, 'utf8'));
  const taker = d.accounts.filter((x) => x.role === 'taker')[1] || d.accounts.find((x) => x.role === 'taker');
  const provider = new ethers.JsonRpcProvider(d.rpcUrl, d.chainId, { staticNetwork: true, pollingInterval: 50 });
  const wallet = new ethers.NonceManager(new ethers.Wallet(taker.privateKey, provider));
  const address = taker.address;

  const blocks = watchBlocks(d.rpcUrl);

  const pushes = new Map();
  const socket = io(a.watch, { transports: ['websocket'] });
  await new Promise((resolve, reject) => { socket.on('connect', resolve); setTimeout(() => reject(new Error('socket did not connect')), 15000); });
  await new Promise((resolve) => socket.emit('subscribe:positions', address, resolve));
  socket.on('trade:new', (t) => {
    const h = t.entryTxHash.toLowerCase();
    if (!pushes.has(h)) pushes.set(h, Date.now());
  });

  // One approval for the whole run, then fillOrder only.
  const plan0 = await freshestPlan(a.api, address);
  const approve = plan0.transactions.find((t) => t.kind === 'approve');
  const usdc = new ethers.Contract(approve.to, ['function approve(address,uint256) returns (bool)'], wallet);
  await (await usdc.approve(plan0.approval.spender, ethers.MaxUint256)).wait();

  const latencies = [];
  const fromReceipt = [];
  let misses = 0;
  let unmeasured = 0;
  for (let i = 0; i < a.fills; i++) {
    const plan = await freshestPlan(a.api, address);
    const tx = plan.transactions.find((t) => t.kind === 'fillOrder');
    const sent = await wallet.sendTransaction({ to: tx.to, data: tx.data });
    const receipt = await sent.wait();
    const receiptAt = Date.now();
    const hash = receipt.hash.toLowerCase();
    if (a.mode === 'fills') await api(a.api, '/nuts/fills', { txHash: hash }).catch((e) => console.error(e.message));
    if (a.mode !== 'chain') await api(a.api, '/nuts/update', { address }).catch((e) => console.error(e.message));
    const deadline = Date.now() + 90_000;
    while (!pushes.has(hash) && Date.now() < deadline) await sleep(20);
    const seen = blocks.at(receipt.blockNumber);
    if (!pushes.has(hash)) {
      misses++;
      process.stderr.write(`fill ${i + 1}/${a.fills}: no push within 90 s\n`);
    } else {
      fromReceipt.push(pushes.get(hash) - receiptAt);
      if (seen === undefined) {
        unmeasured++;
        process.stderr.write(`fill ${i + 1}/${a.fills}: pushed, but block ${receipt.blockNumber} was skipped by the poll\n`);
      } else {
        latencies.push(pushes.get(hash) - seen);
        process.stderr.write(`fill ${i + 1}/${a.fills}: block ${receipt.blockNumber} → push ${pushes.get(hash) - seen} ms\n`);
      }
    }
    await sleep(500);
  }
  await blocks.stop();
  socket.close();
  provider.destroy();
  const out = { mode: a.mode, fills: a.fills, pushed: fromReceipt.length, misses, unmeasured,
    p50_ms: pct(latencies, 50), p95_ms: pct(latencies, 95), max_ms: latencies.length ? Math.max(...latencies) : null,
    receipt_p50_ms: pct(fromReceipt, 50), receipt_p95_ms: pct(fromReceipt, 95) };
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e.stack || e.message);
  process.exit(1);
});
