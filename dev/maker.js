'use strict';
// dev/maker --deployment FILE --port P [--interval S] [--quote-life S] [--ladder-budget USDC]
//           [--short-expiry-minutes M]    also quote options expiring on the next M-minute mark (default 5; 0: off)
//
// A quoting maker and a local Thetanuts stand-in for the devnet (dev/devnet's deployment file):
//   GET  /                                  the orders feed, exactly REFERENCE §1.2 (fixtures/orders.json's shape):
//                                           every USDC product of the replica on both underlyings, signed
//                                           (EIP-712, the replica book's domain) every --interval seconds with
//                                           quotes living --quote-life seconds; a strike ladder (one product,
//                                           underlying and expiry) shares one nonce group (§2.5); put-side
//                                           spreads, flies and condors carry their strikes descending (§4.1a)
//   GET  /indexer/user/{a}/positions|history  the book indexer (§1.4/§1.5), built from the chain's OrderFilled and
//   POST /indexer/update, GET /indexer/stats, OptionInitialized logs (polled every second)
//   GET  /indexer/referrer/{a}/state
// Prices: Black-Scholes (r = 0) on the devnet's Chainlink spots, a per-underlying smile, the maker's ask a few
// percent over fair. Prints one line "maker ready feedUrl=… indexerUrl=…" on stdout, runs until SIGTERM/SIGINT.
const http = require('node:http');
const fs = require('node:fs');
const { ethers } = require('ethers');

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
const BOOK_ABI = [
  'event OrderFilled(uint256 indexed nonce, address indexed buyer, address indexed seller, address optionAddress, uint256 premiumAmount, uint256 feeCollected, address referrer, uint256 referralFeePaid, bool sellerWasMaker)',
];
const OPTION_ABI = [
  'event OptionInitialized(address indexed buyer, address indexed seller, address indexed createdBy, uint256 optionType, address collateralToken, address priceFeed, uint256[] strikes, uint256 expiryTimestamp, uint256 numContracts, uint256 collateralAmount, bytes extraOptionData)',
  'function getImplementation() view returns (address)',
];
const FEED_ABI = ['function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)'];
const IMPLEMENTATION_TYPE = {
  PUT: 'VANILLA',
  LINEAR_CALL: 'VANILLA',
  CALL_SPREAD: 'SPREAD',
  PUT_SPREAD: 'SPREAD',
  CALL_FLY: 'BUTTERFLY',
  PUT_FLY: 'BUTTERFLY',
  CALL_CONDOR: 'CONDOR',
  PUT_CONDOR: 'CONDOR',
  IRON_CONDOR: 'IRON_CONDOR',
};
// Strike grid step, structure width and implied volatility per underlying (USD).
const UNDERLYINGS = {
  ETH: { step: 50, width: 100, vol: 0.62, skew: 0.15 },
  BTC: { step: 1000, width: 2000, vol: 0.48, skew: 0.12 },
};
const DAY = 86400;

function usage(message) {
  process.stderr.write(`maker: ${message}\nusage: dev/maker --deployment FILE --port PORT [--interval S] [--quote-life S] [--ladder-budget USDC] [--short-expiry-minutes M]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const known = ['--deployment', '--port', '--interval', '--quote-life', '--ladder-budget', '--short-expiry-minutes'];
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    if (!known.includes(argv[i])) usage(`unknown argument ${argv[i]}`);
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`);
    args[argv[i].slice(2)] = argv[++i];
  }
  if (!args.deployment) usage('--deployment is required');
  const port = Number(args.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port must be 0-65535, was ${args.port}`);
  const interval = Number(args.interval ?? 5);
  const quoteLife = Number(args['quote-life'] ?? 90);
  const budget = Number(args['ladder-budget'] ?? 50000);
  if (!(interval >= 1 && interval <= 3600)) usage(`--interval must be 1-3600 seconds, was ${args.interval}`);
  if (!(quoteLife >= 10 && quoteLife <= 3600)) usage(`--quote-life must be 10-3600 seconds, was ${args['quote-life']}`);
  if (!(budget >= 1 && budget <= 1e9)) usage(`--ladder-budget must be 1-1e9 USDC, was ${args['ladder-budget']}`);
  const shortExpiryMinutes = Number(args['short-expiry-minutes'] ?? 5);
  if (!(Number.isInteger(shortExpiryMinutes) && shortExpiryMinutes >= 0 && shortExpiryMinutes <= 60)) {
    usage(`--short-expiry-minutes must be 0-60 (0: none), was ${args['short-expiry-minutes']}`);
  }
  return { deployment: args.deployment, port, interval, quoteLife, budget, shortExpiryMinutes };
}

// ---- pricing --------------------------------------------------------------------------------------------------

function normCdf(x) {
  // Abramowitz-Stegun 7.1.26 on erf, |error| < 1.5e-7
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
const normPdf = (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);

/** Black-Scholes (r = 0) price and greeks of one vanilla leg; theta per day. */
function vanilla(isCall, spot, strike, years, vol) {
  const sd = vol * Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + sd * sd / 2) / sd;
  const d2 = d1 - sd;
  const price = isCall ? spot * normCdf(d1) - strike * normCdf(d2) : strike * normCdf(-d2) - spot * normCdf(-d1);
  const delta = isCall ? normCdf(d1) : normCdf(d1) - 1;
  const gamma = normPdf(d1) / (spot * sd);
  const vega = spot * normPdf(d1) * Math.sqrt(years) / 100;
  const theta = -spot * normPdf(d1) * vol / (2 * Math.sqrt(years)) / 365;
  return { price, delta, gamma, vega, theta };
}

function smileVol(u, spot, strike) {
  const m = Math.log(strike / spot);
  return u.vol * (1 + u.skew * Math.abs(m) * 4 + (m < 0 ? u.skew * -m * 2 : 0));
}

/** Legs [{isCall, strike, weight}] of each product as a combination of vanillas (REFERENCE §4.1 payoffs). */
function legs(product, k) {
  const c = (strike, weight) => ({ isCall: true, strike, weight });
  const p = (strike, weight) => ({ isCall: false, strike, weight });
  switch (product) {
    case 'PUT': return [p(k[0], 1)];
    case 'LINEAR_CALL': return [c(k[0], 1), c(2 * k[0], -1)];
    case 'CALL_SPREAD': return [c(k[0], 1), c(k[1], -1)];
    case 'PUT_SPREAD': return [p(k[1], 1), p(k[0], -1)];
    case 'CALL_FLY': return [c(k[0], 1), c(k[1], -2), c(k[2], 1)];
    case 'PUT_FLY': return [p(k[0], 1), p(k[1], -2), p(k[2], 1)];
    case 'CALL_CONDOR': return [c(k[0], 1), c(k[1], -1), c(k[2], -1), c(k[3], 1)];
    case 'PUT_CONDOR': return [p(k[0], 1), p(k[1], -1), p(k[2], -1), p(k[3], 1)];
    case 'IRON_CONDOR': return [p(k[1], 1), p(k[0], -1), c(k[2], 1), c(k[3], -1)];
    default: throw new Error(`no legs for ${product}`);
  }
}

/** Ascending strike sets of one product around the spot (USD), 3-4 per ladder. */
function ladder(product, spot, u) {
  const atm = Math.round(spot / u.step) * u.step;
  const w = u.width;
  const offsets = [-2, -1, 0, 1, 2].map((i) => i * w);
  switch (product) {
    case 'PUT': return [-3, -2, -1, 0].map((i) => [atm + i * w]);
    case 'LINEAR_CALL': return [0, 1, 2, 3].map((i) => [atm + i * w]);
    case 'CALL_SPREAD': return [0, 1, 2].map((i) => [atm + i * w, atm + (i + 1) * w]);
    case 'PUT_SPREAD': return [-2, -1, 0].map((i) => [atm + (i - 1) * w, atm + i * w]);
    case 'CALL_FLY': return [0, 1, 2].map((i) => [atm + i * w, atm + (i + 1) * w, atm + (i + 2) * w]);
    case 'PUT_FLY': return [-2, -1, 0].map((i) => [atm + (i - 2) * w, atm + (i - 1) * w, atm + i * w]);
    case 'CALL_CONDOR': return [0, 1].map((i) => [atm + i * w, atm + (i + 1) * w, atm + (i + 2) * w, atm + (i + 3) * w]);
    case 'PUT_CONDOR': return [-1, 0].map((i) => [atm + (i - 3) * w, atm + (i - 2) * w, atm + (i - 1) * w, atm + i * w]);
    case 'IRON_CONDOR': return [2, 3].map((i) => [atm - (i + 1) * w, atm - i * w, atm + i * w, atm + (i + 1) * w]);
    default: return offsets.map((o) => [atm + o]);
  }
}

const PUT_SIDE = new Set(['PUT_SPREAD', 'PUT_FLY', 'PUT_CONDOR']);
const IS_CALL = { PUT: false, LINEAR_CALL: true, CALL_SPREAD: true, PUT_SPREAD: false, CALL_FLY: true, PUT_FLY: false, CALL_CONDOR: true, PUT_CONDOR: false, IRON_CONDOR: false };

/**
 * The option expiries quoted: the next 08:00 UTC daily at least 12 h away, the next two Fridays, and, with
 * `shortMinutes` > 0, the next multiple of `shortMinutes` at least 3 minutes away, so that a developer sees a fill
 * expire and settle (the devnet's keeper settles within two blocks) in minutes.
 */
function expiries(now, shortMinutes = 0) {
  const out = [];
  if (shortMinutes > 0) {
    const step = shortMinutes * 60;
    out.push(Math.ceil((now + 180) / step) * step);
  }
  let daily = Math.floor(now / DAY) * DAY + 8 * 3600;
  while (daily < now + 12 * 3600) daily += DAY;
  out.push(daily);
  let friday = daily;
  while (new Date(friday * 1000).getUTCDay() !== 5 || friday < now + 2 * DAY) friday += DAY;
  out.push(friday, friday + 7 * DAY);
  return [...new Set(out)];
}

// ---- the maker ------------------------------------------------------------------------------------------------

class Maker {
  constructor(deployment, opts, provider) {
    this.d = deployment;
    this.opts = opts;
    this.provider = provider;
    const maker = deployment.accounts.find((a) => a.role === 'maker');
    if (!maker) throw new Error('the deployment file has no maker account');
    this.wallet = new ethers.Wallet(maker.privateKey);
    this.usdc = deployment.tokens.find((t) => t.symbol === 'USDC');
    if (!this.usdc) throw new Error('the deployment file has no USDC token');
    this.domain = { name: 'OptionBook', version: '1.0', chainId: deployment.chainId, verifyingContract: deployment.optionBook };
    this.spots = {};
    this.feed = null;
  }

  async readSpots() {
    for (const f of this.d.priceFeeds) {
      const feed = new ethers.Contract(f.address, FEED_ABI, this.provider);
      const [, answer] = await feed.latestRoundData();
      this.spots[f.underlying] = { raw: answer, usd: Number(answer) / 1e8, feed: f.address };
    }
  }

  nonce(o) {
    return ethers.toBigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(
      ['address', 'uint256', 'address', 'bool', 'address', 'address', 'bool', 'uint256'],
      [o.maker, o.orderExpiryTimestamp, o.collateral, o.isCall, o.priceFeed, o.implementation, o.isLong, o.maxCollateralUsable],
    )));
  }

  async quote() {
    await this.readSpots();
    const now = Math.floor(Date.now() / 1000);
    const orderExpiry = now + this.opts.quoteLife;
    const budget = BigInt(Math.round(this.opts.budget)) * 10n ** BigInt(this.usdc.decimals);
    const orders = [];
    for (const [underlying, spot] of Object.entries(this.spots)) {
      const u = UNDERLYINGS[underlying];
      if (!u) continue;
      for (const impl of this.d.implementations) {
        if (!IS_CALL.hasOwnProperty(impl.product)) continue;
        for (const expiry of expiries(now, this.opts.shortExpiryMinutes)) {
          const years = (expiry - now) / (365 * DAY);
          for (const ascending of ladder(impl.product, spot.usd, u)) {
            if (ascending.some((k) => k <= 0)) continue;
            let fair = 0;
            const greeks = { delta: 0, gamma: 0, theta: 0, vega: 0 };
            for (const leg of legs(impl.product, ascending)) {
              const v = vanilla(leg.isCall, spot.usd, leg.strike, years, smileVol(u, spot.usd, leg.strike));
              fair += leg.weight * v.price;
              for (const g of Object.keys(greeks)) greeks[g] += leg.weight * v[g];
            }
            const width = ascending.length > 1 ? ascending[1] - ascending[0] : ascending[0];
            // Ask: fair + 4 % + a tick, never under 0.5 % of the collateral per contract, never over it.
            let ask = Math.max(fair * 1.04 + 0.01, width * 0.005);
            ask = Math.min(ask, width * 0.98);
            const strikes = (PUT_SIDE.has(impl.product) ? [...ascending].reverse() : ascending).map((k) => BigInt(Math.round(k)) * 10n ** 8n);
            const order = {
              maker: this.wallet.address,
              orderExpiryTimestamp: orderExpiry,
              collateral: this.usdc.address,
              isCall: IS_CALL[impl.product],
              priceFeed: spot.feed,
              implementation: impl.address,
              isLong: false,
              maxCollateralUsable: budget,
              strikes,
              expiry,
              price: BigInt(Math.round(ask * 1e4)) * 10n ** 4n, // collateral per contract × 1e8, cents of a cent
            };
            const signature = await this.wallet.signTypedData(this.domain, ORDER_TYPES, order);
            const atmVol = smileVol(u, spot.usd, ascending[Math.floor(ascending.length / 2)]);
            orders.push({
              order: {
                ticker: `${underlying}-${new Date(expiry * 1000).toISOString().slice(0, expiry - now < DAY / 2 ? 16 : 10)}-${ascending.join('/')}-${impl.product}`,
                maker: order.maker,
                orderExpiryTimestamp: order.orderExpiryTimestamp,
                collateral: order.collateral,
                isCall: order.isCall,
                priceFeed: order.priceFeed,
                implementation: order.implementation,
                isLong: order.isLong,
                maxCollateralUsable: order.maxCollateralUsable.toString(),
                strikes: order.strikes.map((s) => Number(s)),
                expiry: order.expiry,
                price: order.price.toString(),
                numContracts: '0',
                extraOptionData: '0x',
              },
              signature,
              chainId: this.d.chainId,
              optionBookAddress: this.d.optionBook,
              nonce: this.nonce(order).toString(),
              greeks: {
                delta: round(greeks.delta, 4),
                iv: round(atmVol, 4),
                gamma: round(greeks.gamma, 7),
                theta: round(greeks.theta, 4),
                vega: round(greeks.vega, 4),
              },
            });
          }
        }
      }
    }
    const market = {};
    for (const [k, v] of Object.entries(this.spots)) market[k] = v.usd;
    const weather = {};
    for (const k of Object.keys(this.spots)) weather[k] = { curVol: UNDERLYINGS[k]?.vol ?? 0.5, forecast: [] };
    const nowMs = Date.now();
    this.feed = {
      data: { timestamp: new Date(nowMs).toISOString(), orders, market_data: market, market_weather: weather },
      metadata: { last_updated: nowMs, current_time: nowMs },
    };
    this.feedBody = JSON.stringify(this.feed);
  }
}

const round = (x, dp) => Math.round(x * 10 ** dp) / 10 ** dp;

// ---- the indexer ----------------------------------------------------------------------------------------------

class Indexer {
  constructor(deployment, provider) {
    this.d = deployment;
    this.provider = provider;
    this.book = new ethers.Interface(BOOK_ABI);
    this.option = new ethers.Interface(OPTION_ABI);
    this.filledTopic = this.book.getEvent('OrderFilled').topicHash;
    this.initTopic = this.option.getEvent('OptionInitialized').topicHash;
    this.next = BigInt(deployment.deploymentBlock ?? 0);
    this.positions = new Map(); // option address (lower case) -> Position
    this.lastBlock = 0;
    this.lastUpdate = 0;
    this.productOf = new Map(deployment.implementations.map((i) => [i.address.toLowerCase(), i.product]));
    this.underlyingOf = new Map(deployment.priceFeeds.map((f) => [f.address.toLowerCase(), f.underlying]));
    this.tokenOf = new Map(deployment.tokens.map((t) => [t.address.toLowerCase(), t]));
    this.running = null;
  }

  /** One pass over the blocks not read yet; concurrent callers share the pass. */
  sync() {
    if (!this.running) this.running = this.pass().finally(() => { this.running = null; });
    return this.running;
  }

  async pass() {
    const head = BigInt(await this.provider.getBlockNumber());
    while (this.next <= head) {
      const to = this.next + 999n < head ? this.next + 999n : head;
      const logs = await this.provider.getLogs({ address: this.d.optionBook, topics: [this.filledTopic], fromBlock: this.next, toBlock: to });
      for (const log of logs) await this.record(log);
      this.next = to + 1n;
    }
    this.lastBlock = Number(head);
    this.lastUpdate = Math.floor(Date.now() / 1000);
  }

  async record(log) {
    const filled = this.book.parseLog(log).args;
    const optionAddress = filled.optionAddress;
    if (this.positions.has(optionAddress.toLowerCase())) return;
    const receipt = await this.provider.getTransactionReceipt(log.transactionHash);
    const initLog = receipt.logs.find((l) => l.topics[0] === this.initTopic && l.address.toLowerCase() === optionAddress.toLowerCase());
    if (!initLog) return;
    const init = this.option.parseLog(initLog).args;
    const block = await this.provider.getBlock(log.blockNumber);
    const implementation = await new ethers.Contract(optionAddress, OPTION_ABI, this.provider).getImplementation();
    const product = this.productOf.get(implementation.toLowerCase()) ?? 'UNKNOWN';
    const token = this.tokenOf.get(init.collateralToken.toLowerCase()) ?? { symbol: 'UNKNOWN', decimals: 18 };
    this.positions.set(optionAddress.toLowerCase(), {
      address: optionAddress,
      status: 'open',
      buyer: filled.buyer,
      seller: filled.seller,
      referrer: filled.referrer,
      createdBy: this.d.optionBook,
      entryTimestamp: block.timestamp,
      entryTxHash: log.transactionHash,
      entryBlock: log.blockNumber,
      entryPremium: filled.premiumAmount.toString(),
      entryFeePaid: filled.feeCollected.toString(),
      referralFeePaid: filled.referralFeePaid.toString(),
      collateralToken: init.collateralToken,
      collateralSymbol: token.symbol,
      collateralDecimals: token.decimals,
      underlyingAsset: this.underlyingOf.get(init.priceFeed.toLowerCase()) ?? 'UNKNOWN',
      priceFeed: init.priceFeed,
      strikes: init.strikes.map((s) => s.toString()),
      expiryTimestamp: Number(init.expiryTimestamp),
      numContracts: init.numContracts.toString(),
      collateralAmount: init.collateralAmount.toString(),
      optionType: Number(init.optionType),
      optionTypeRaw: Number(init.optionType),
      settlement: null,
      explicitClose: null,
      optionStatus: 'active',
      implementationName: product,
      implementationType: IMPLEMENTATION_TYPE[product] ?? 'UNKNOWN',
      bookAddress: this.d.optionBook,
    });
  }

  of(address) {
    const a = address.toLowerCase();
    return [...this.positions.values()].filter((p) => p.buyer.toLowerCase() === a || p.seller.toLowerCase() === a);
  }

  stats() {
    const users = new Set();
    for (const p of this.positions.values()) users.add(p.buyer.toLowerCase()).add(p.seller.toLowerCase());
    const n = this.positions.size;
    return {
      totalOptionsTracked: n,
      openPositions: n,
      settledPositions: 0,
      closedPositions: 0,
      uniqueUsers: users.size,
      lastProcessedBlock: this.lastBlock,
      lastUpdateTimestamp: this.lastUpdate,
      positions: { total: n, open: n, settled: 0, closed: 0, pendingInit: 0 },
    };
  }
}

// ---- HTTP -----------------------------------------------------------------------------------------------------

function serve(maker, indexer, port) {
  const send = (res, status, body) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
    res.end(text);
  };
  const server = http.createServer(async (req, res) => {
    req.resume();
    const url = new URL(req.url, 'http://localhost');
    const p = url.pathname.replace(/\/+$/, '') || '/';
    try {
      if (req.method === 'GET' && p === '/') return send(res, 200, maker.feedBody);
      if (p === '/indexer/update' && (req.method === 'POST' || req.method === 'GET')) {
        await indexer.sync();
        return send(res, 200, { status: 'success' });
      }
      if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
      if (p === '/indexer/stats') return send(res, 200, indexer.stats());
      let m = p.match(/^\/indexer\/user\/([^/]+)\/(positions|history)$/);
      if (m) {
        if (!ethers.isAddress(m[1])) return send(res, 400, { error: 'address: not an address' });
        return send(res, 200, { data: m[2] === 'positions' ? indexer.of(m[1]) : [] });
      }
      m = p.match(/^\/indexer\/referrer\/([^/]+)\/state$/);
      if (m) {
        if (!ethers.isAddress(m[1])) return send(res, 400, { error: 'address: not an address' });
        const positions = {};
        for (const pos of indexer.positions.values()) {
          if (pos.referrer.toLowerCase() === m[1].toLowerCase()) positions[pos.address] = pos;
        }
        return send(res, 200, { referrer: ethers.getAddress(m[1].toLowerCase()), positions, lastUpdateTimestamp: indexer.lastUpdate });
      }
      return send(res, 404, { error: `no route ${p}` });
    } catch (e) {
      return send(res, 502, { error: String(e.message || e) });
    }
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const deployment = JSON.parse(fs.readFileSync(opts.deployment, 'utf8'));
  if (!deployment.rpcUrl) usage(`${opts.deployment} has no rpcUrl (write it with dev/devnet --out)`);
  const provider = new ethers.JsonRpcProvider(deployment.rpcUrl, deployment.chainId, { staticNetwork: true, pollingInterval: 500 });
  provider._getConnection().timeout = 10_000;
  const maker = new Maker(deployment, opts, provider);
  const indexer = new Indexer(deployment, provider);
  await maker.quote();
  await indexer.sync();
  const server = await serve(maker, indexer, opts.port);
  const base = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`maker ready feedUrl=${base}/ indexerUrl=${base}/indexer orders=${maker.feed.data.orders.length}\n`);

  let stopping = false;
  const loop = (fn, ms, what) => {
    const tick = async () => {
      if (stopping) return;
      try {
        await fn();
      } catch (e) {
        process.stderr.write(`maker: ${what} failed: ${e.message}\n`);
      }
      if (!stopping) setTimeout(tick, ms);
    };
    setTimeout(tick, ms);
  };
  loop(() => maker.quote(), opts.interval * 1000, 'quoting');
  loop(() => indexer.sync(), 1000, 'indexing');
  const stop = () => {
    stopping = true;
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  process.stderr.write(`maker: ${e.stack || e.message}\n`);
  process.exit(1);
});
