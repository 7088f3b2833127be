'use strict';
// dev/smart-wallet.js: Coinbase Smart Wallets (the contracts behind a Base Account) on the devnet, for sign-in
// tests and the sandbox. Every command prints one JSON line.
//
//   node dev/smart-wallet.js install RPC_URL FUNDER_KEY
//       compiles the vendored Coinbase Smart Wallet (dev/smart-wallet/contracts, coinbase/smart-wallet@924743b,
//       MIT) with solc 0.8.23 (its pinned compiler), deploys the implementation and a factory, and puts that
//       factory's runtime code at both Base factory addresses with anvil_setCode (v1.1 0xBA5ED110…, v1
//       0x0BA5ED0c…, coinbase/smart-wallet README "Deployments"), so wallets get their Base addresses; also
//       deploys the stand-in wallets of dev/smart-wallet/StandInWallets.sol and a factory at an ordinary address
//       (one no allow-list names). -> {implementation, factories:{"1.1","1"}, otherFactory, reverting, looping}
//   node dev/smart-wallet.js address RPC_URL OWNER_KEY [--nonce N] [--factory F]
//       -> {address, deployed}: the wallet of that single owner (factory default: the v1.1 address)
//   node dev/smart-wallet.js create RPC_URL FUNDER_KEY OWNER_KEY [--nonce N] [--factory F]
//       deploys the wallet through the factory's createAccount -> {address, deployed}
//   node dev/smart-wallet.js sign RPC_URL OWNER_KEY MESSAGE_FILE [--nonce N] [--factory F] [--signer KEY]
//       signs the message as a Base Account does (viem's toCoinbaseSmartAccount: the owner signs the wallet's
//       replay-safe EIP-712 hash, wrapped as SignatureWrapper; ERC-6492-wrapped with the factory and its
//       createAccount calldata while the wallet is not deployed) -> {address, deployed, signature}. --signer makes
//       another key sign for the owner's wallet (a signature the wallet must refuse).
//   node dev/smart-wallet.js verify RPC_URL ADDRESS MESSAGE_FILE SIGNATURE
//       viem's publicClient.verifyMessage (ECDSA, ERC-1271, ERC-6492 deployless) -> {valid}
const fs = require('node:fs');
const path = require('node:path');
const { createPublicClient, createWalletClient, http, defineChain, encodeFunctionData, pad } = require('viem');
const { privateKeyToAccount } = require('viem/accounts');
const { toCoinbaseSmartAccount } = require('viem/account-abstraction');
const { compileWith } = require('./compile');

const SOURCES = path.join(__dirname, 'smart-wallet');
/** The Coinbase Smart Wallet factories on Base (coinbase/smart-wallet README, "Deployments"). */
const BASE_FACTORIES = {
  '1.1': '0xBA5ED110eFDBa3D005bfC882d75358ACBbB85842',
  1: '0x0BA5ED0c6AA8c49038F819E587E2633c4A9F428a',
};
// The contracts' own remappings (coinbase/smart-wallet remappings.txt), onto the npm packages in dev/node_modules.
const REMAP = {
  'account-abstraction/': '@account-abstraction/contracts/',
  'solady/': 'solady/src/',
  'openzeppelin-contracts/contracts/': '@openzeppelin/contracts/',
};
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'paris',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

function compile() {
  const sources = {};
  const add = (dir, prefix) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) add(full, `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.sol')) sources[`${prefix}${entry.name}`] = { content: fs.readFileSync(full, 'utf8') };
    }
  };
  add(path.join(SOURCES, 'contracts'), '');
  sources['StandInWallets.sol'] = { content: fs.readFileSync(path.join(SOURCES, 'StandInWallets.sol'), 'utf8') };
  return compileWith({
    solcPackage: 'solc-0.8.23',
    sources,
    settings: SETTINGS,
    remap: REMAP,
    ours: (file) => file.startsWith('coinbase/') || file === 'StandInWallets.sol',
  });
}

function clients(rpcUrl, key) {
  return {
    chainFor: async (client) =>
      defineChain({
        id: await client.getChainId(),
        name: 'devnet',
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [rpcUrl] } },
      }),
    public: createPublicClient({ transport: http(rpcUrl) }),
    wallet: key ? createWalletClient({ account: privateKeyToAccount(key), transport: http(rpcUrl) }) : null,
  };
}

async function deploy(c, artifact, args = []) {
  const chain = await c.chainFor(c.public);
  const hash = await c.wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args, chain });
  const receipt = await c.public.waitForTransactionReceipt({ hash, pollingInterval: 200 });
  if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploying failed: ${hash}`);
  return receipt.contractAddress;
}

async function install(rpcUrl, funderKey) {
  const artifacts = compile();
  const c = clients(rpcUrl, funderKey);
  const implementation = await deploy(c, artifacts.CoinbaseSmartWallet);
  const otherFactory = await deploy(c, artifacts.CoinbaseSmartWalletFactory, [implementation]);
  const runtime = await c.public.getCode({ address: otherFactory });
  for (const address of Object.values(BASE_FACTORIES)) {
    await c.public.request({ method: 'anvil_setCode', params: [address, runtime] });
  }
  const reverting = await deploy(c, artifacts.RevertingWallet);
  const looping = await deploy(c, artifacts.LoopingWallet);
  return { implementation, factories: BASE_FACTORIES, otherFactory, reverting, looping };
}

/** The Base Account of {@code ownerKey} (its address and factory call), signing with {@code signerKey}. */
async function smartAccount(c, ownerKey, { nonce = 0, factory = BASE_FACTORIES['1.1'], signer } = {}) {
  const chain = await c.chainFor(c.public);
  const client = createPublicClient({ chain, transport: http(chain.rpcUrls.default.http[0]) });
  const owner = privateKeyToAccount(ownerKey);
  const owners = [pad(owner.address)];
  const base = await toCoinbaseSmartAccount({ client, owners: [owner], nonce: BigInt(nonce), version: '1.1' });
  // viem knows only the Base factory addresses: ask the given factory for the address, and wrap with its call.
  const address = await client.readContract({
    address: factory,
    abi: base.factory.abi,
    functionName: 'getAddress',
    args: [owners, BigInt(nonce)],
  });
  const signing = signer ? privateKeyToAccount(signer) : owner;
  const account = await toCoinbaseSmartAccount({ client, owners: [signing], nonce: BigInt(nonce), version: '1.1', address });
  // As viem's own getFactoryArgs: none once the wallet is deployed (then signatures are not 6492-wrapped).
  account.getFactoryArgs = async () =>
    (await account.isDeployed())
      ? { factory: undefined, factoryData: undefined }
      : {
          factory,
          factoryData: encodeFunctionData({ abi: base.factory.abi, functionName: 'createAccount', args: [owners, BigInt(nonce)] }),
        };
  return account;
}

async function describe(c, account) {
  const address = await account.getAddress();
  const code = await c.public.getCode({ address });
  return { address, deployed: Boolean(code && code !== '0x') };
}

async function create(rpcUrl, funderKey, ownerKey, options) {
  const c = clients(rpcUrl, funderKey);
  const account = await smartAccount(c, ownerKey, options);
  const { factory: to, factoryData } = await account.getFactoryArgs();
  if (!to) return describe(c, account); // already deployed
  const chain = await c.chainFor(c.public);
  const hash = await c.wallet.sendTransaction({ to, data: factoryData, chain });
  const receipt = await c.public.waitForTransactionReceipt({ hash, pollingInterval: 200 });
  if (receipt.status !== 'success') throw new Error(`createAccount failed: ${hash}`);
  return describe(c, account);
}

async function sign(rpcUrl, ownerKey, messageFile, options) {
  const c = clients(rpcUrl);
  const account = await smartAccount(c, ownerKey, options);
  const message = fs.readFileSync(messageFile, 'utf8');
  const signature = await account.signMessage({ message });
  return { ...(await describe(c, account)), signature };
}

async function verify(rpcUrl, address, messageFile, signature) {
  const c = clients(rpcUrl);
  // No chain on the client: viem then verifies deployless (the ERC-6492 validator's creation code in an eth_call
  // without `to`), as nutsgate does, instead of calling a verifier deployed on Base.
  const valid = await c.public.verifyMessage({ address, message: fs.readFileSync(messageFile, 'utf8'), signature });
  return { valid };
}

/** Positional arguments and --flags. */
function parse(args) {
  const positional = [];
  const options = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--')) options[args[i].slice(2)] = args[++i];
    else positional.push(args[i]);
  }
  return { positional, options };
}

async function main(argv) {
  const [command, ...rest] = argv;
  const { positional: a, options } = parse(rest);
  switch (command) {
    case 'install':
      return install(a[0], a[1]);
    case 'address':
      return describe(clients(a[0]), await smartAccount(clients(a[0]), a[1], options));
    case 'create':
      return create(a[0], a[1], a[2], options);
    case 'sign':
      return sign(a[0], a[1], a[2], options);
    case 'verify':
      return verify(a[0], a[1], a[2], a[3]);
    case 'compile':
      return Object.fromEntries(Object.entries(compile()).map(([n, x]) => [n, (x.bytecode.length - 2) / 2]));
    default:
      throw new Error(`unknown command ${command}; see the comment at the top of dev/smart-wallet.js`);
  }
}

module.exports = { install, BASE_FACTORIES };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (result) => process.stdout.write(JSON.stringify(result) + '\n'),
    (e) => {
      process.stderr.write(`smart-wallet: ${e.stack || e}\n`);
      process.exit(1);
    },
  );
}
