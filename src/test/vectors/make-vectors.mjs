// Test vectors from another implementation (ethers v6), so the Java tests do not check web3j against itself.
//
// Regenerate (needs npm; the Java tests only read the JSON it writes):
//   cd src/test/vectors && npm ci && node make-vectors.mjs
//
// Writes src/test/resources/vectors/{siwe,calldata,keccak}.json. Everything is deterministic: fixed keys, fixed
// messages, RFC 6979 signatures, the fixture feed's signed orders.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Interface,
  Signature,
  Wallet,
  getBigInt,
  hexlify,
  keccak256,
  toBeHex,
  toUtf8Bytes,
  verifyMessage,
  version,
} from "ethers";

const here = dirname(fileURLToPath(import.meta.url));
const resources = join(here, "..", "resources");
const abis = join(here, "..", "..", "main", "resources", "abi");
const out = join(resources, "vectors");
const generator = `ethers ${version}, src/test/vectors/make-vectors.mjs`;

// secp256k1 group order; EIP-2 requires s <= N/2.
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function write(name, value) {
  writeFileSync(join(out, name), JSON.stringify(value, null, 2) + "\n");
}

// ---- SIWE (EIP-4361 text, EIP-191 personal_sign) ----

// The persistence tests' SIWE settings and pinned clock (support/PersistenceTest, support/MutableClock).
const DOMAIN = "app.alphabit.test";
const URI = "https://app.alphabit.test";
const ISSUED_AT = "2026-06-03T10:00:00Z";
const EXPIRES_AT = "2026-06-03T10:05:00Z";

function siweMessage(address, statement, nonce) {
  return (
    `${DOMAIN} wants you to sign in with your Ethereum account:\n${address}\n\n${statement}\n\n` +
    `URI: ${URI}\nVersion: 1\nChain ID: 8453\nNonce: ${nonce}\nIssued At: ${ISSUED_AT}\n` +
    `Expiration Time: ${EXPIRES_AT}`
  );
}

const keys = [
  // Hardhat / Anvil dev account #0: its address is published everywhere, an anchor independent of any code here.
  { name: "anvil-0", privateKey: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" },
  { name: "seed-101", privateKey: toBeHex(10n ** 30n + 101n * 1000003n, 32) },
  { name: "seed-102", privateKey: toBeHex(10n ** 30n + 102n * 1000003n, 32) },
];
const statements = ["Sign in to Alphabit", "Sign in to Alphabit ✨ (ünïcödé, 日本語)"];

const siwe = [];
let counter = 0;
for (const key of keys) {
  const wallet = new Wallet(key.privateKey);
  for (const statement of statements) {
    counter++;
    const nonce = `ethersVector${String(counter).padStart(4, "0")}`;
    const message = siweMessage(wallet.address, statement, nonce);
    const signature = await wallet.signMessage(message);
    const sig = Signature.from(signature);
    const s = getBigInt(sig.s);
    // The same signature with the recovery id as 0/1 instead of 27/28.
    const signatureV01 = sig.r + sig.s.slice(2) + toBeHex(sig.v - 27, 1).slice(2);
    // EIP-2 malleated twin: (r, N - s) with the other recovery id recovers the same key, but s is high.
    const highS = toBeHex(N - s, 32);
    const signatureHighS = sig.r + highS.slice(2) + toBeHex(sig.v === 27 ? 28 : 27, 1).slice(2);
    let ethersOnHighS;
    try {
      ethersOnHighS = "accepted " + verifyMessage(message, signatureHighS);
    } catch (e) {
      ethersOnHighS = "rejected: " + (e.shortMessage ?? e.message);
    }
    siwe.push({
      key: key.name,
      privateKey: key.privateKey,
      address: wallet.address,
      nonce,
      issuedAt: ISSUED_AT,
      expirationTime: EXPIRES_AT,
      message,
      messageUtf8Bytes: toUtf8Bytes(message).length,
      signature,
      recovered: verifyMessage(message, signature),
      signatureV01,
      signatureHighS,
      highSAboveHalfOrder: N - s > N / 2n,
      ethersOnHighS,
    });
  }
}
write("siwe.json", {
  generator,
  domain: DOMAIN,
  uri: URI,
  chainId: 8453,
  halfOrder: toBeHex(N / 2n, 32),
  vectors: siwe,
});

// ---- calldata: ERC-20 approve and OptionBook.fillOrder ----

const optionBook = new Interface(JSON.parse(readFileSync(join(abis, "OptionBook.json"), "utf8")));
const erc20 = new Interface(JSON.parse(readFileSync(join(abis, "ERC20.json"), "utf8")));
const feed = JSON.parse(readFileSync(join(resources, "fixtures", "orders.json"), "utf8"));
const REFERRER = "0x7e1d3c2b4a59687f8e9d0c1b2a3948576a6b5c4d";

const fills = feed.data.orders.map((signed, index) => {
  const o = signed.order;
  // ethers refuses a mixed-case address whose EIP-55 checksum is wrong, and the fixture (like REFERENCE.md) spells
  // the PUT_FLY implementation 0x4fd2C6D271cC6FF3EbD2027da9815a0608d03aa3 (correct: …03AA3). The ABI encoding
  // does not depend on case, so the addresses go in lower case.
  const address = (a) => a.toLowerCase();
  const numContracts = (23724792n + BigInt(index)).toString();
  const tuple = {
    maker: address(o.maker),
    orderExpiryTimestamp: BigInt(o.orderExpiryTimestamp),
    collateral: address(o.collateral),
    isCall: o.isCall,
    priceFeed: address(o.priceFeed),
    implementation: address(o.implementation),
    isLong: o.isLong,
    maxCollateralUsable: BigInt(o.maxCollateralUsable),
    strikes: o.strikes.map((x) => BigInt(x)),
    expiry: BigInt(o.expiry),
    price: BigInt(o.price),
    numContracts: BigInt(numContracts),
    extraOptionData: o.extraOptionData,
  };
  return {
    orderIndex: index,
    numContracts,
    referrer: REFERRER,
    selector: optionBook.getFunction("fillOrder").selector,
    calldata: optionBook.encodeFunctionData("fillOrder", [tuple, signed.signature, REFERRER]),
  };
});
const approves = [
  ["0x1bDff855d6811728acaDC00989e79143a2bdfDed", "999999982"],
  ["0x1bdff855d6811728acadc00989e79143a2bdfded", "0"],
  ["0x1bDff855d6811728acaDC00989e79143a2bdfDed", (2n ** 256n - 1n).toString()],
].map(([spender, amount]) => ({
  spender,
  amount,
  calldata: erc20.encodeFunctionData("approve", [spender, BigInt(amount)]),
}));
write("calldata.json", { generator, fixture: "fixtures/orders.json", fillOrder: fills, approve: approves });

// ---- keccak-256: order ids are keccak256 of the maker's 65-byte signature ----

write("keccak.json", {
  generator,
  // keccak256 of no bytes: the constant every Ethereum client knows (the empty code hash).
  empty: keccak256("0x"),
  orderIds: feed.data.orders.map((signed, index) => ({
    orderIndex: index,
    signature: signed.signature,
    id: keccak256(signed.signature),
  })),
  text: { input: "hello", keccak256: keccak256(hexlify(toUtf8Bytes("hello"))) },
});
console.log(`wrote ${siwe.length} SIWE, ${fills.length} fillOrder, ${approves.length} approve vectors to ${out}`);
