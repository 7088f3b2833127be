'use strict';
// dev/devnet --port P --out FILE: anvil (chain id 8453) with the replica OptionBook deployed, accounts funded,
// the deployment written to FILE (a valid NUTS_DEPLOYMENT_FILE plus rpcUrl and accounts), one line printed on
// stdout when ready, then 2-second blocks until SIGTERM or SIGINT (which stop anvil). Like r12, every option the
// book created is settled automatically: a keeper (anvil account 4) calls the clone's payout() within two blocks
// of its expiry, at its feed's price (see keep()).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ethers } = require('ethers');
const { compile } = require('./compile');

const CHAIN_ID = 8453;
// DEVNET_BLOCK_SECONDS: the block interval once ready (default 2, as in the sandbox); the tests use 1.
const BLOCK_SECONDS = blockSeconds(process.env.DEVNET_BLOCK_SECONDS);

function blockSeconds(setting) {
  if (setting === undefined || setting.trim() === '') return 2;
  const value = Number(setting);
  if (!Number.isInteger(value) || value < 1 || value > 60) {
    process.stderr.write(`devnet: DEVNET_BLOCK_SECONDS must be a whole number of seconds from 1 to 60, e.g. 2; got ${setting}\n`);
    process.exit(1);
  }
  return value;
}
const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
const USDC_PER_ACCOUNT = 1_000_000n * 10n ** 6n; // 1,000,000 USDC
const ETH_PER_ACCOUNT = 10_000n * 10n ** 18n;
const REFERRER_SPLIT_BPS = 5000n; // 50 %
// Spots of the REFERENCE fixtures (8 dp), so §3.5's worked fee numbers hold on the devnet.
const FEEDS = [
  { underlying: 'ETH', description: 'ETH / USD', answer: 245037000000n },
  { underlying: 'BTC', description: 'BTC / USD', answer: 9721055000000n },
];
// protocol.Product names, in ReplicaOption.Kind order.
const PRODUCTS = [
  'PUT',
  'LINEAR_CALL',
  'CALL_SPREAD',
  'PUT_SPREAD',
  'CALL_FLY',
  'PUT_FLY',
  'CALL_CONDOR',
  'PUT_CONDOR',
  'IRON_CONDOR',
];
const ROLES = ['owner', 'maker', 'taker', 'taker', 'keeper']; // anvil's deterministic accounts 0..4
const KEEPER_TICK_MS = 250;

function usage(message) {
  process.stderr.write(`devnet: ${message}\nusage: dev/devnet --port PORT --out FILE\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag !== '--port' && flag !== '--out') usage(`unknown argument ${flag}`);
    if (i + 1 >= argv.length) usage(`${flag} needs a value`);
    args[flag.slice(2)] = argv[++i];
  }
  if (!args.port) usage('--port is required');
  if (!args.out) usage('--out is required');
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) usage(`--port must be 1-65535, was ${args.port}`);
  return { port, out: path.resolve(args.out) };
}

function anvilBinary() {
  const platforms = { 'linux-x64': 'linux-amd64', 'linux-arm64': 'linux-arm64', 'darwin-x64': 'darwin-amd64', 'darwin-arm64': 'darwin-arm64' };
  const suffix = platforms[`${process.platform}-${process.arch}`];
  if (suffix) {
    try {
      return require.resolve(`@foundry-rs/anvil-${suffix}/bin/anvil`, { paths: [__dirname] });
    } catch {
      // fall through to the package's launcher
    }
  }
  return path.join(__dirname, 'node_modules', '.bin', 'anvil');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForRpc(provider, anvil, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (anvil.exitCode !== null) throw new Error(`anvil exited with code ${anvil.exitCode}`);
    try {
      const chainId = await provider.send('eth_chainId', []);
      if (Number(chainId) !== CHAIN_ID) throw new Error(`anvil reports chain id ${chainId}`);
      return;
    } catch (e) {
      if (String(e.message).includes('chain id')) throw e;
      if (Date.now() > deadline) throw new Error(`anvil did not answer within ${timeoutMs} ms: ${e.message}`);
      await sleep(100);
    }
  }
}

async function deploy(provider, artifacts, referrer, rpcUrl) {
  const wallets = ROLES.map((_, i) =>
    ethers.HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider),
  );
  const [owner, maker] = wallets;
  const factoryOf = (name, signer) => new ethers.ContractFactory(artifacts[name].abi, artifacts[name].bytecode, signer);
  const deployed = async (name, ...args) => {
    const contract = await factoryOf(name, owner).deploy(...args);
    const receipt = await contract.deploymentTransaction().wait();
    return { contract, address: await contract.getAddress(), block: receipt.blockNumber };
  };
  const mined = async (txPromise) => {
    const receipt = await (await txPromise).wait();
    if (receipt.status !== 1) throw new Error(`transaction ${receipt.hash} reverted`);
    return receipt;
  };

  const usdc = await deployed('MockUSDC');
  const feeds = [];
  for (const feed of FEEDS) {
    feeds.push({ underlying: feed.underlying, address: (await deployed('MockPriceFeed', feed.description, feed.answer)).address });
  }
  const factory = await deployed('MockOptionFactory');
  const book = await deployed('OptionBook', factory.address);
  const implementations = [];
  for (let kind = 0; kind < PRODUCTS.length; kind++) {
    implementations.push({ product: PRODUCTS[kind], address: (await deployed('ReplicaOption', kind)).address });
  }

  for (const wallet of wallets.slice(1)) {
    await provider.send('anvil_setBalance', [wallet.address, ethers.toQuantity(ETH_PER_ACCOUNT)]);
    await mined(usdc.contract.mint(wallet.address, USDC_PER_ACCOUNT));
  }
  // The maker posts collateral on every maker-sell fill: approve the book once, as a market maker does.
  await mined(usdc.contract.connect(maker).approve(book.address, ethers.MaxUint256));
  if (referrer) {
    await mined(book.contract.setReferrerFeeSplit(referrer, REFERRER_SPLIT_BPS));
  }

  return {
    name: 'devnet',
    chainId: CHAIN_ID,
    optionBook: book.address,
    factory: factory.address,
    deploymentBlock: book.block,
    tokens: [{ symbol: 'USDC', address: usdc.address, decimals: 6 }],
    priceFeeds: feeds,
    implementations,
    rpcUrl,
    accounts: wallets.map((w, i) => ({ role: ROLES[i], address: w.address, privateKey: w.privateKey })),
  };
}

/**
 * The settlement keeper: follows every option the book initialises (OptionInitialized with createdBy = the book),
 * and those an option split off (createdBy = that option), and, once a block's timestamp has reached its expiry, sends payout() (mined in the next block). An option whose
 * settlement failed (its feed had no positive answer) is tried again when its feed's round changes. A settled or
 * closed option is forgotten; when a reorg replaces the last block read, every option is read again from the
 * deployment block (and checked on chain), so a settlement that the reorg removed is sent again.
 */
async function keep(rpcUrl, artifacts, deployment) {
  const provider = new ethers.JsonRpcProvider(rpcUrl, CHAIN_ID, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  const keeperAccount = deployment.accounts.find((a) => a.role === 'keeper');
  const keeper = new ethers.Wallet(keeperAccount.privateKey, provider);
  const option = new ethers.Interface(artifacts.ReplicaOption.abi);
  const feedAbi = new ethers.Interface(artifacts.MockPriceFeed.abi);
  const initTopic = option.getEvent('OptionInitialized').topicHash;
  const failedTopic = option.getEvent('OptionSettlementFailed').topicHash;
  const options = new Map(); // address -> { expiry, feed, failedRound }
  const known = new Set(); // every option of the book, and those split off them
  let next = deployment.deploymentBlock;
  let lastHash = null; // hash of block next - 1 when it was read
  const call = async (to, iface, fn, args = []) =>
    iface.decodeFunctionResult(fn, await provider.call({ to, data: iface.encodeFunctionData(fn, args) }));
  for (;;) {
    try {
      const head = await provider.getBlock('latest');
      if (lastHash !== null) {
        const seen = await provider.getBlock(next - 1);
        if (!seen || seen.hash !== lastHash) {
          next = deployment.deploymentBlock; // a reorg: read every option again
          lastHash = null;
          options.clear();
          known.clear();
        }
      }
      if (head.number >= next) {
        // options the book created, and the ones an option split off (created by a known option, in chain order)
        const logs = await provider.getLogs({ fromBlock: next, toBlock: head.number, topics: [initTopic] });
        for (const l of logs) {
          const ev = option.parseLog(l);
          const creator = ethers.getAddress(ev.args.createdBy);
          if (creator !== deployment.optionBook && !known.has(creator)) continue;
          known.add(ethers.getAddress(l.address));
          options.set(l.address, { expiry: ev.args.expiryTimestamp, feed: ev.args.priceFeed, failedRound: null });
        }
        next = head.number + 1;
        lastHash = head.hash;
      }
      let nonce = null;
      const sent = [];
      for (const [address, o] of options) {
        if (BigInt(head.timestamp) < o.expiry) continue;
        const [settled] = await call(address, option, 'optionSettled');
        const [closed] = await call(address, option, 'optionClosed');
        if (settled || closed) {
          options.delete(address);
          continue;
        }
        const [round] = await call(o.feed, feedAbi, 'latestRoundData');
        if (o.failedRound === round) continue;
        if (nonce === null) nonce = await provider.getTransactionCount(keeper.address, 'pending');
        const tx = await keeper.sendTransaction({ to: address, data: option.encodeFunctionData('payout'), gasLimit: 500_000, nonce: nonce++ });
        sent.push({ tx, o, round, address });
      }
      for (const { tx, o, round, address } of sent) {
        const receipt = await tx.wait();
        o.failedRound = receipt.logs.some((l) => l.topics[0] === failedTopic) ? round : null;
        if (o.failedRound === null) options.delete(address);
      }
    } catch (e) {
      process.stderr.write(`devnet: keeper: ${e.shortMessage || e.message}\n`);
    }
    await sleep(KEEPER_TICK_MS);
  }
}

async function main() {
  const { port, out } = parseArgs(process.argv.slice(2));
  const referrerSetting = (process.env.ALPHABIT_REFERRER_ADDRESS || '').trim();
  if (referrerSetting && !ethers.isAddress(referrerSetting)) {
    usage(`ALPHABIT_REFERRER_ADDRESS is not an address: ${referrerSetting}`);
  }
  const referrer = referrerSetting ? ethers.getAddress(referrerSetting.toLowerCase()) : null;
  const artifacts = compile();

  // Automine while deploying (fast set-up), then 2-second blocks once ready.
  const anvil = spawn(
    anvilBinary(),
    ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(CHAIN_ID), '--mnemonic', ANVIL_MNEMONIC, '--silent'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    if (anvil.exitCode !== null || anvil.signalCode !== null) process.exit(code);
    anvil.once('exit', () => process.exit(code));
    anvil.kill('SIGTERM');
    setTimeout(() => anvil.kill('SIGKILL'), 5000).unref();
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  anvil.on('error', (e) => {
    process.stderr.write(`devnet: cannot start anvil: ${e.message}\n`);
    process.exit(1);
  });
  anvil.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`devnet: anvil stopped unexpectedly (code ${code}, signal ${signal})\n`);
      process.exit(1);
    }
  });

  try {
    const rpcUrl = `http://127.0.0.1:${port}`;
    const provider = new ethers.JsonRpcProvider(rpcUrl, CHAIN_ID, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
    await waitForRpc(provider, anvil, 20_000);
    const deployment = await deploy(provider, artifacts, referrer, rpcUrl);
    await provider.send('evm_setIntervalMining', [BLOCK_SECONDS]);
    provider.destroy();

    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(deployment, null, 2) + '\n');
    fs.renameSync(tmp, out);
    process.stdout.write(`devnet ready rpcUrl=${rpcUrl} optionBook=${deployment.optionBook} out=${out}\n`);
    keep(rpcUrl, artifacts, deployment);
  } catch (e) {
    process.stderr.write(`devnet: set-up failed: ${e.stack || e.message}\n`);
    stop(1);
  }
}

main();
