'use strict';
// Settlement latency driver (run by bench/settlement-bench.sh; dev/'s ethers, src/test/socketio's socket.io-client).
//   node bench/settlement-bench.js latency DEPLOYMENT_FILE API_BASE SAMPLES REFERRER
//     one fill at a time through REFERRER of an option expiring EXPIRY seconds later; a socket.io client subscribed
//     to the taker's positions room. From the arrival of the settlement's block (the option's OptionExpired log
//     polled every 25 ms; the devnet's keeper settles within two blocks of expiry) to (a) the trade SETTLED in
//     GET /nuts/users/{taker}/trades (polled every 25 ms) and (b) trade:settled pushed. Prints p50/p95/max in ms.
//   node bench/settlement-bench.js settled DEPLOYMENT_FILE FROM_BLOCK COUNT
//     waits until COUNT options have settled (OptionExpired logs from FROM_BLOCK on) and prints the lifecycle logs.
const fs = require('node:fs');
const path = require('node:path');
const { ethers } = require(path.join(__dirname, '..', 'dev', 'node_modules', 'ethers'));
const { io } = require(path.join(__dirname, '..', 'src', 'test', 'socketio', 'node_modules', 'socket.io-client'));

const EXPIRY = 6;
const CONTRACTS = 50_000n;
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
  'event OrderFilled(uint256 indexed nonce, address indexed buyer, address indexed seller, address optionAddress, uint256 premiumAmount, uint256 feeCollected, address referrer, uint256 referralFeePaid, bool sellerWasMaker)',
]);
const ERC20 = new ethers.Interface(['function approve(address spender, uint256 amount)']);
const EXPIRED_TOPIC = ethers.id('OptionExpired(address,uint256)');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function latency(file, api, samples, referrer) {
  const d = JSON.parse(fs.readFileSync(file, 'utf8'));
  const provider = new ethers.JsonRpcProvider(d.rpcUrl, d.chainId, { staticNetwork: true, pollingInterval: 25, cacheTimeout: -1 });
  const maker = new ethers.Wallet(d.accounts.find((a) => a.role === 'maker').privateKey);
  const taker = new ethers.Wallet(d.accounts.find((a) => a.role === 'taker').privateKey, provider);
  const domain = { name: 'OptionBook', version: '1.0', chainId: d.chainId, verifyingContract: d.optionBook };
  await (await taker.sendTransaction({ to: d.tokens[0].address, data: ERC20.encodeFunctionData('approve', [d.optionBook, ethers.MaxUint256]) })).wait();

  const pushed = new Map(); // entry tx hash -> time trade:settled arrived
  const socket = io(api, { reconnection: false });
  socket.on('trade:settled', (t) => pushed.set(t.entryTxHash, Date.now()));
  await new Promise((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  const ack = await socket.timeout(10_000).emitWithAck('subscribe:positions', taker.address);
  if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);

  const http = [];
  const push = [];
  for (let i = 0; i < samples; i++) {
    const now = (await provider.getBlock('latest')).timestamp;
    const order = {
      maker: maker.address,
      orderExpiryTimestamp: BigInt(now + 600),
      collateral: d.tokens[0].address,
      isCall: true,
      priceFeed: d.priceFeeds.find((f) => f.underlying === 'ETH').address,
      implementation: d.implementations.find((x) => x.product === 'CALL_SPREAD').address,
      isLong: false,
      maxCollateralUsable: 900_000n * 10n ** 6n,
      strikes: [240000000000n, 260000000000n], // spot 2450.37: in the money
      expiry: BigInt(now + EXPIRY),
      price: 4215000000n,
    };
    const signature = await maker.signTypedData(domain, ORDER_TYPES, order);
    const data = BOOK.encodeFunctionData('fillOrder', [{ ...order, numContracts: CONTRACTS, extraOptionData: '0x' }, signature, referrer]);
    const receipt = await (await taker.sendTransaction({ to: d.optionBook, data, gasLimit: 1_500_000n })).wait();
    const entry = receipt.hash.toLowerCase();
    const filled = receipt.logs.map((l) => { try { return BOOK.parseLog(l); } catch { return null; } }).find((l) => l && l.name === 'OrderFilled');
    const option = filled.args.optionAddress;
    // the settlement's block: the option's OptionExpired log appearing
    let settledAt = null;
    const deadline = Date.now() + 120_000;
    while (settledAt === null) {
      const logs = await provider.getLogs({ address: option, topics: [EXPIRED_TOPIC], fromBlock: receipt.blockNumber });
      if (logs.length > 0) settledAt = Date.now();
      else if (Date.now() > deadline) throw new Error(`option ${option} not settled after 120 s`);
      else await sleep(25);
    }
    for (;;) {
      const r = await fetch(`${api}/nuts/users/${taker.address}/trades?limit=5`, { signal: AbortSignal.timeout(10_000) });
      const body = await r.json();
      const t = body.data.trades.find((x) => x.entryTxHash === entry);
      if (t && t.status === 'SETTLED') break;
      if (Date.now() - settledAt > 60_000) throw new Error(`trade ${entry} not SETTLED over HTTP after 60 s`);
      await sleep(25);
    }
    http.push(Date.now() - settledAt);
    while (!pushed.has(entry)) {
      if (Date.now() - settledAt > 60_000) throw new Error(`no trade:settled for ${entry} after 60 s`);
      await sleep(10);
    }
    push.push(Math.max(0, pushed.get(entry) - settledAt));
  }
  socket.close();
  provider.destroy();
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50ms: percentile(s, 50), p95ms: percentile(s, 95), maxms: s[s.length - 1] };
  };
  console.log(JSON.stringify({ samples, http: stats(http), push: stats(push) }));
}

async function settled(file, fromBlock, count) {
  const d = JSON.parse(fs.readFileSync(file, 'utf8'));
  const provider = new ethers.JsonRpcProvider(d.rpcUrl, d.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const topics = ['OptionExpired(address,uint256)', 'OptionPayout(address,address,uint256)', 'ExcessCollateralReturned(address,address,uint256)'].map(ethers.id);
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    const head = await provider.getBlockNumber();
    let expired = 0;
    let lifecycle = 0;
    for (let b = fromBlock; b <= head; b += 2000) {
      const logs = await provider.getLogs({ fromBlock: b, toBlock: Math.min(head, b + 1999), topics: [topics] });
      lifecycle += logs.length;
      expired += logs.filter((l) => l.topics[0] === topics[0]).length;
    }
    if (expired >= count) {
      console.log(JSON.stringify({ settled: expired, lifecycleLogs: lifecycle, head }));
      break;
    }
    if (Date.now() > deadline) throw new Error(`only ${expired} of ${count} options settled`);
    await sleep(2000);
  }
  provider.destroy();
}

const [mode, ...args] = process.argv.slice(2);
(mode === 'latency'
  ? latency(args[0], args[1], Number(args[2]), args[3])
  : mode === 'settled'
    ? settled(args[0], Number(args[1]), Number(args[2]))
    : Promise.reject(new Error('usage: settlement-bench.js latency|settled …')))
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e.stack || e.message);
    process.exit(1);
  });
