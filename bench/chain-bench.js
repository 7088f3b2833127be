'use strict';
// Chain indexer benchmark driver (run by bench/chain-bench.sh; uses dev/'s pinned ethers).
//   node bench/chain-bench.js generate DEPLOYMENT_FILE FILLS REFERRER
//     pauses the devnet's mining, sends FILLS fillOrder transactions through REFERRER (pre-signed, JSON-RPC
//     batches), mines them (anvil_mine) and prints one JSON line {fills, logs, fromBlock, toBlock, seconds}.
//   node bench/chain-bench.js latency DEPLOYMENT_FILE API_BASE SAMPLES REFERRER
//     2-second blocks again; one fill at a time: the time from its block's arrival (the receipt is polled every
//     25 ms) to its trade in GET /nuts/users/{taker}/trades (polled every 25 ms). Prints p50/p95/max in ms.
const fs = require('node:fs');
const path = require('node:path');
const { ethers } = require(path.join(__dirname, '..', 'dev', 'node_modules', 'ethers'));

const ORDER_TYPES = {
  Order: [
    { name: 'maker', type: 'address' },
    { name: 'orderExpiryTimestamp', type: 'uint256' },
    { name: 'collateral', type: 'address' },
    { name: 'isCall', type: 'bool' },
    { name: 'priceFeed', type: 'address' },
    { name: 'implementation', type: 'address' },
    { name: 'isLong', type: 'bool' },
    { name: 'maxCollateralUsable', type: 'uint256' },
    { name: 'strikes', type: 'uint256[]' },
    { name: 'expiry', type: 'uint256' },
    { name: 'price', type: 'uint256' },
  ],
};
const ORDER_TUPLE =
  'tuple(address maker,uint256 orderExpiryTimestamp,address collateral,bool isCall,address priceFeed,address implementation,bool isLong,uint256 maxCollateralUsable,uint256[] strikes,uint256 expiry,uint256 price,uint256 numContracts,bytes extraOptionData)';
const BOOK = new ethers.Interface([
  `function fillOrder(${ORDER_TUPLE} order, bytes signature, address referrer)`,
]);
const ERC20 = new ethers.Interface(['function approve(address spender, uint256 amount)']);
const CONTRACTS = 50_000n; // 0.05 contracts (6 decimals): 10 USDC collateral, 2.1075 USDC premium per fill

async function rpc(url, method, params) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = await r.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function rpcBatch(url, calls) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map(([method, params], i) => ({ jsonrpc: '2.0', id: i, method, params }))),
    signal: AbortSignal.timeout(120_000),
  });
  const body = await r.json();
  for (const b of body) if (b.error) throw new Error(`batch: ${JSON.stringify(b.error)}`);
  return body;
}

async function setUp(file) {
  const d = JSON.parse(fs.readFileSync(file, 'utf8'));
  const maker = new ethers.Wallet(d.accounts.find((a) => a.role === 'maker').privateKey);
  const takers = d.accounts.filter((a) => a.role === 'taker').map((a) => new ethers.Wallet(a.privateKey));
  const block = await rpc(d.rpcUrl, 'eth_getBlockByNumber', ['latest', false]);
  const now = Number(block.timestamp);
  const order = {
    maker: maker.address,
    orderExpiryTimestamp: BigInteger(now + 30 * 24 * 3600),
    collateral: d.tokens[0].address,
    isCall: true,
    priceFeed: d.priceFeeds.find((f) => f.underlying === 'ETH').address,
    implementation: d.implementations.find((i) => i.product === 'CALL_SPREAD').address,
    isLong: false,
    maxCollateralUsable: 900_000n * 10n ** 6n,
    strikes: [250000000000n, 270000000000n],
    // BENCH_OPTION_EXPIRY_SECONDS: options expiring soon, so the devnet's keeper settles them (settlement-bench.sh)
    expiry: BigInteger(now + Number(process.env.BENCH_OPTION_EXPIRY_SECONDS || 60 * 24 * 3600)),
    price: 4215000000n,
  };
  const domain = { name: 'OptionBook', version: '1.0', chainId: d.chainId, verifyingContract: d.optionBook };
  const signature = await maker.signTypedData(domain, ORDER_TYPES, order);
  return { d, takers, order: { ...order, numContracts: CONTRACTS, extraOptionData: '0x' }, signature };
}

function BigInteger(n) {
  return BigInt(n);
}

async function signedTxs(d, wallet, startNonce, count, data, to) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(
      await wallet.signTransaction({
        type: 2,
        chainId: d.chainId,
        nonce: startNonce + i,
        to,
        data,
        gasLimit: 1_500_000n,
        maxFeePerGas: 10n * 10n ** 9n,
        maxPriorityFeePerGas: 10n ** 9n,
        value: 0n,
      }),
    );
  }
  return out;
}

async function generate(file, fills, referrer) {
  const { d, takers, order, signature } = await setUp(file);
  const url = d.rpcUrl;
  await rpc(url, 'evm_setIntervalMining', [0]);
  await rpc(url, 'evm_setAutomine', [false]);
  const fromBlock = Number(await rpc(url, 'eth_blockNumber', [])) + 1;
  const started = Date.now();
  const fillData = BOOK.encodeFunctionData('fillOrder', [order, signature, referrer]);
  const approveData = ERC20.encodeFunctionData('approve', [d.optionBook, ethers.MaxUint256]);
  // in rounds of CHUNK transactions per taker, each mined until the pool is empty (anvil keeps a bounded pool)
  const CHUNK = 500;
  let resent = 0;
  const nonces = [];
  const remaining = [];
  for (let t = 0; t < takers.length; t++) {
    const w = takers[t];
    const nonce = Number(await rpc(url, 'eth_getTransactionCount', [w.address, 'pending']));
    const [approve] = await signedTxs(d, w, nonce, 1, approveData, d.tokens[0].address);
    await rpc(url, 'eth_sendRawTransaction', [approve]);
    nonces.push(nonce + 1);
    remaining.push(Math.floor(fills / takers.length) + (t < fills % takers.length ? 1 : 0));
  }
  let signMs = 0;
  while (remaining.some((n) => n > 0)) {
    const raw = [];
    const t0 = Date.now();
    for (let t = 0; t < takers.length; t++) {
      const n = Math.min(CHUNK, remaining[t]);
      raw.push(...(await signedTxs(d, takers[t], nonces[t], n, fillData, d.optionBook)));
      nonces[t] += n;
      remaining[t] -= n;
    }
    signMs += Date.now() - t0;
    for (let i = 0; i < raw.length; i += 500) {
      await rpcBatch(url, raw.slice(i, i + 500).map((tx) => ['eth_sendRawTransaction', [tx]]));
    }
    for (;;) {
      const status = await rpc(url, 'txpool_status', []);
      if (Number(status.pending) + Number(status.queued) === 0) break;
      await rpc(url, 'anvil_mine', ['0x4']);
    }
    // anvil may drop part of a large pool: send what is missing again (same nonces), a few times at most
    for (let attempt = 0; ; attempt++) {
      const missing = [];
      for (let t = 0; t < takers.length; t++) {
        const mined = Number(await rpc(url, 'eth_getTransactionCount', [takers[t].address, 'latest']));
        if (mined < nonces[t]) missing.push(...(await signedTxs(d, takers[t], mined, nonces[t] - mined, fillData, d.optionBook)));
      }
      if (missing.length === 0) break;
      if (attempt === 5) throw new Error(`${missing.length} transactions not mined after 5 resends`);
      resent += missing.length;
      for (let i = 0; i < missing.length; i += 500) {
        await rpcBatch(url, missing.slice(i, i + 500).map((tx) => ['eth_sendRawTransaction', [tx]]));
      }
      for (;;) {
        const status = await rpc(url, 'txpool_status', []);
        if (Number(status.pending) + Number(status.queued) === 0) break;
        await rpc(url, 'anvil_mine', ['0x4']);
      }
    }
  }
  const signedAt = started + signMs;
  const toBlock = Number(await rpc(url, 'eth_blockNumber', []));
  // every fill succeeded? count OrderFilled logs of the book
  const topic = ethers.id('OrderFilled(uint256,address,address,address,uint256,uint256,address,uint256,bool)');
  let filled = 0;
  for (let b = fromBlock; b <= toBlock; b += 2000) {
    const logs = await rpc(url, 'eth_getLogs', [
      { fromBlock: ethers.toQuantity(b), toBlock: ethers.toQuantity(Math.min(toBlock, b + 1999)), address: d.optionBook, topics: [topic] },
    ]);
    filled += logs.length;
  }
  await rpc(url, 'evm_setAutomine', [false]);
  await rpc(url, 'evm_setIntervalMining', [2]);
  console.log(
    JSON.stringify({ fills: filled, sent: fills, resent, fromBlock, toBlock, signSeconds: (signedAt - started) / 1000, seconds: (Date.now() - started) / 1000 }),
  );
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function latency(file, api, samples, referrer) {
  const { d, takers, order, signature } = await setUp(file);
  const url = d.rpcUrl;
  const w = takers[0];
  const fillData = BOOK.encodeFunctionData('fillOrder', [order, signature, referrer]);
  const out = [];
  for (let i = 0; i < samples; i++) {
    const nonce = Number(await rpc(url, 'eth_getTransactionCount', [w.address, 'pending']));
    const [tx] = await signedTxs(d, w, nonce, 1, fillData, d.optionBook);
    const hash = await rpc(url, 'eth_sendRawTransaction', [tx]);
    let receipt = null;
    while (!(receipt = await rpc(url, 'eth_getTransactionReceipt', [hash]))) await sleep(25);
    const mined = Date.now();
    if (receipt.status !== '0x1') throw new Error(`fill ${hash} reverted`);
    for (;;) {
      const r = await fetch(`${api}/nuts/users/${w.address}/trades?limit=5`, { signal: AbortSignal.timeout(10_000) });
      const body = await r.text();
      if (body.includes(hash.toLowerCase())) break;
      if (Date.now() - mined > 60_000) throw new Error(`trade of ${hash} not visible after 60 s`);
      await sleep(25);
    }
    out.push(Date.now() - mined);
    await sleep(300 + Math.floor(Math.random() * 1700)); // land at different points of the block interval
  }
  const sorted = [...out].sort((a, b) => a - b);
  console.log(
    JSON.stringify({ samples, p50ms: percentile(sorted, 50), p95ms: percentile(sorted, 95), maxms: sorted[sorted.length - 1] }),
  );
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// bench/fill-flood.js sends its real fills with the same order, signing and JSON-RPC helpers
module.exports = { rpc, setUp, signedTxs, BOOK, ERC20 };

if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2);
  const run =
    mode === 'generate'
      ? generate(args[0], Number(args[1]), args[2])
      : mode === 'latency'
        ? latency(args[0], args[1], Number(args[2]), args[3])
        : Promise.reject(new Error('usage: chain-bench.js generate|latency …'));
  run.catch((e) => {
    console.error(e.stack || e.message);
    process.exit(1);
  });
}
