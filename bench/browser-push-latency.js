'use strict';
// bench/browser-push-latency.js: time from a fill's block to the "New trade" toast of the /demo page in headless
// Chromium, p50/p95 over N fills, and (mode page) from the page's own receipt to the toast.
//   node bench/browser-push-latency.js --page URL --api URL --deployment FILE --webdriver URL
//                                      [--fills 50] [--mode page|chain] [--label NAME]
// The page (on --page, the browser's instance) is driven through WebDriver (chromedriver's W3C HTTP protocol, so no
// extra npm package). mode page: the page does the whole journey per fill as a user would (select the ETH call
// spread, plan, "sign and send": approve then fillOrder with the devnet taker key, then its POST /nuts/fills and
// POST /nuts/update). mode chain: this process sends the fills (planned on --api) and tells nobody; the toast can
// only come from the chain indexer. "Block time" is when this process first sees the block (eth_blockNumber every
// 50 ms); the toast time is when a MutationObserver in the page sees the toast element. Both are Date.now() on the
// same machine. Output: one JSON line {label, mode, fills, toasts, misses, p50_ms, p95_ms, max_ms,
// receipt_p50_ms, receipt_p95_ms}; p50/p95 are over the fills whose block the poll saw (unmeasured: it skipped it).
const { ethers } = require('../dev/node_modules/ethers');
const fs = require('node:fs');
const { sleep, pct, http, freshestPlan, watchBlocks } = require('./fill-plans');

function args() {
  const a = { fills: 50, mode: 'page', label: '' };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i += 2) a[v[i].replace(/^--/, '')] = v[i + 1];
  if (!a.page || !a.api || !a.deployment || !a.webdriver) {
    throw new Error('usage: --page URL --api URL --deployment FILE --webdriver URL [--fills N] [--mode page|chain]');
  }
  a.fills = Number(a.fills);
  return a;
}

/** The few WebDriver commands this needs. */
class Browser {
  static async open(webdriver) {
    const { status, json } = await http(webdriver, 'POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'chrome',
          'goog:chromeOptions': {
            binary: process.env.CHROMIUM || '/usr/bin/chromium',
            args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1280,1000'],
          },
        },
      },
    });
    if (status !== 200) throw new Error(`webdriver session: ${JSON.stringify(json.value)}`);
    return new Browser(webdriver, json.value.sessionId);
  }
  constructor(webdriver, id) {
    this.base = `${webdriver}/session/${id}`;
    this.webdriver = webdriver;
  }
  async go(url) {
    const { status, json } = await http(this.base, 'POST', '/url', { url });
    if (status !== 200) throw new Error(`navigate: ${JSON.stringify(json.value)}`);
  }
  async js(script, ...scriptArgs) {
    const { status, json } = await http(this.base, 'POST', '/execute/sync', { script, args: scriptArgs });
    if (status !== 200) throw new Error(`script: ${JSON.stringify(json.value)}`);
    return json.value;
  }
  async until(script, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.js(script);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }
  async close() {
    await http(this.base, 'DELETE', '').catch(() => {});
  }
}

async function main() {
  const a = args();
  const d = JSON.parse(fs.readFileSync(a.deployment, 'utf8'));
  const taker = d.accounts.filter((x) => x.role === 'taker')[0];
  const provider = new ethers.JsonRpcProvider(d.rpcUrl, d.chainId, { staticNetwork: true, pollingInterval: 50 });

  const blocks = watchBlocks(d.rpcUrl);

  const browser = await Browser.open(a.webdriver);
  const latencies = [];
  const fromReceipt = [];
  let misses = 0;
  let unmeasured = 0;
  try {
    await browser.go(`${a.page}/demo/#rpc=${encodeURIComponent(d.rpcUrl)}&key=${taker.privateKey}`);
    await browser.until(
      `return document.querySelectorAll('#orders tbody tr').length > 0
          && document.getElementById('wallet').textContent.includes(${JSON.stringify(taker.address)})
          && document.getElementById('socket-state').textContent.includes('connected');`,
      120_000,
      'the demo page to list orders, connect the wallet and the socket',
    );
    // The toast's arrival as the page shows it.
    await browser.js(`
      window.__toastAt = {};
      new MutationObserver((changes) => {
        for (const c of changes) for (const n of c.addedNodes) {
          const tx = n.dataset && n.dataset.tx;
          if (tx && !(tx in window.__toastAt)) window.__toastAt[tx] = Date.now();
        }
      }).observe(document.getElementById('toasts'), { childList: true });`);
    const wallet = a.mode === 'chain' ? new ethers.NonceManager(new ethers.Wallet(taker.privateKey, provider)) : null;
    if (wallet) await approveOnce(a.api, wallet, taker.address);

    for (let i = 0; i < a.fills; i++) {
      let fill;
      try {
        fill = a.mode === 'chain' ? await fillFromHere(a.api, wallet, taker.address) : await fillThroughPage(browser);
      } catch (e) {
        misses++;
        process.stderr.write(`fill ${i + 1}/${a.fills}: ${e.message}\n`);
        await sleep(2000);
        continue;
      }
      let toastAt = null;
      const deadline = Date.now() + 90_000;
      while (toastAt === null && Date.now() < deadline) {
        toastAt = await browser.js('return window.__toastAt[arguments[0]] ?? null;', fill.txHash);
        if (toastAt === null) await sleep(20);
      }
      const seen = blocks.at(fill.blockNumber);
      if (toastAt !== null && seen === undefined) {
        unmeasured++;
        process.stderr.write(`fill ${i + 1}/${a.fills}: toast, but block ${fill.blockNumber} was skipped by the poll\n`);
      } else if (toastAt !== null) {
        latencies.push(toastAt - seen);
        if (fill.receiptAt) fromReceipt.push(toastAt - fill.receiptAt);
        process.stderr.write(`fill ${i + 1}/${a.fills}: block ${fill.blockNumber} → toast ${toastAt - seen} ms` +
          (fill.receiptAt ? ` (${toastAt - fill.receiptAt} ms after the receipt)` : '') + '\n');
      } else {
        misses++;
        const trace = await browser.js(
          `return { pushes: window.__nuts.pushes.filter((p) => p.txHash === arguments[0]),
                    socket: document.getElementById('socket-state').textContent,
                    log: document.getElementById('log') ? document.getElementById('log').textContent.slice(-600) : null };`,
          fill.txHash,
        );
        process.stderr.write(`fill ${i + 1}/${a.fills}: no toast within 90 s for ${fill.txHash}: ${JSON.stringify(trace)}\n`);
      }
      await sleep(300);
    }
  } finally {
    await blocks.stop();
    await browser.close();
    provider.destroy();
  }
  console.log(JSON.stringify({
    label: a.label, mode: a.mode, fills: a.fills, toasts: latencies.length + unmeasured, misses, unmeasured,
    p50_ms: pct(latencies, 50), p95_ms: pct(latencies, 95), max_ms: latencies.length ? Math.max(...latencies) : null,
    receipt_p50_ms: pct(fromReceipt, 50), receipt_p95_ms: pct(fromReceipt, 95),
  }));
}

/** The user's journey on the page: ETH call spread, 20 USDC, plan, sign and send; the page's own record of it. */
async function fillThroughPage(browser) {
  const done = await browser.js('return window.__nuts.fills.length;');
  await browser.js(`
    const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change')); };
    set('f-underlying', 'ETH'); set('f-product', 'CALL_SPREAD');
    document.querySelector('#orders tbody tr').click();
    set('amount', '20');
    document.getElementById('plan').click();`);
  await browser.until(`return !document.getElementById('send').disabled;`, 30_000, 'a fill plan');
  await browser.js(`document.getElementById('send').click();`);
  const fill = await browser.until(
    `return window.__nuts.fills.length > ${done} ? window.__nuts.fills[${done}]
        : (document.getElementById('plan-error').textContent ? { error: document.getElementById('plan-error').textContent } : null);`,
    60_000,
    'the page to send approve and fillOrder',
  );
  if (fill.error) throw new Error(`the page could not fill: ${fill.error}`);
  return fill;
}

async function approveOnce(api, wallet, address) {
  const plan = await freshestPlan(api, address);
  const approve = plan.transactions.find((t) => t.kind === 'approve');
  const usdc = new ethers.Contract(approve.to, ['function approve(address,uint256) returns (bool)'], wallet);
  await (await usdc.approve(plan.approval.spender, ethers.MaxUint256)).wait();
}

/** fillOrder sent from this process; nobody is told about it. */
async function fillFromHere(api, wallet, address) {
  const plan = await freshestPlan(api, address);
  const tx = plan.transactions.find((t) => t.kind === 'fillOrder');
  const receipt = await (await wallet.sendTransaction({ to: tx.to, data: tx.data })).wait();
  return { txHash: receipt.hash.toLowerCase(), blockNumber: receipt.blockNumber, receiptAt: null };
}

main().catch((e) => {
  console.error(e.stack || e.message);
  process.exit(1);
});
