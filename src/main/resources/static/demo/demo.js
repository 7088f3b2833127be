// The frontend's journey, written as a frontend developer would against nutsgate's public API and the official
// socket.io-client: orders with filters, an order's payoff, a fill plan, sign and send, pushed trades.
// Optional URL fragment: #key=0x…&rpc=http://… (a devnet key and the chain's RPC URL); &smart=1 signs in as the
// Coinbase Smart Wallet (Base Account) that key owns, as the Base App does: ERC-1271, ERC-6492-wrapped until deployed.
'use strict';
(() => {
  const API = window.location.origin;
  const { $, el } = window.pages;
  const params = new URLSearchParams(window.location.hash.slice(1));
  const state = { orders: [], selected: null, plan: null, wallet: null, address: null, positions: new Map(), announced: new Set(), chart: null };
  // What the benchmark and the browser test read: each fill's receipt and each pushed trade, with page times.
  const timeline = (window.__nuts = { fills: [], pushes: [] });

  // ---- API ----
  async function api(path, options = {}) {
    const res = await fetch(API + path, {
      ...options,
      headers: { accept: 'application/json', ...(options.body ? { 'content-type': 'application/json' } : {}), ...(options.headers || {}) },
    });
    const body = await res.json().catch(() => null);
    if (!body || !body.success) {
      const e = body && body.error ? body.error : { code: 'HTTP_' + res.status, message: res.statusText };
      const err = new Error(`${e.code}: ${e.message}`);
      err.code = e.code;
      err.status = res.status;
      throw err;
    }
    return body.data;
  }

  const log = (text) => {
    const line = `${new Date().toISOString().slice(11, 19)} ${text}\n`;
    $('log').textContent += line;
    $('log').scrollTop = $('log').scrollHeight;
  };
  // What breaks in an event handler shows in the page's log, not only in the console.
  window.addEventListener('error', (e) => log(`error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => log(`error: ${e.reason && e.reason.message ? e.reason.message : e.reason}`));
  const utc = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const short = (hex) => (hex ? hex.slice(0, 8) + '…' + hex.slice(-4) : '');

  // ---- orders ----
  async function loadOrders() {
    try {
      const data = await api('/nuts/orders');
      state.orders = data.orders;
      fillFilters();
      renderOrders();
      $('orders-error').textContent = '';
    } catch (e) {
      $('orders-error').textContent = `Orders: ${e.message}`;
    }
  }

  function fillFilters() {
    const sets = { 'f-underlying': new Set(), 'f-product': new Set(), 'f-expiry': new Set() };
    for (const o of state.orders) {
      sets['f-underlying'].add(o.underlying);
      sets['f-product'].add(o.product);
      sets['f-expiry'].add(o.expiry);
    }
    for (const [id, set] of Object.entries(sets)) {
      const select = $(id);
      const have = new Set([...select.options].map((o) => o.value));
      for (const v of [...set].sort()) {
        if (!have.has(String(v))) select.append(el('option', { value: v, textContent: id === 'f-expiry' ? utc(v) : v }));
      }
    }
  }

  function renderOrders() {
    const u = $('f-underlying').value;
    const p = $('f-product').value;
    const x = $('f-expiry').value;
    const now = Date.now() / 1000;
    const rows = state.orders.filter((o) => (!u || o.underlying === u) && (!p || o.product === p) && (!x || String(o.expiry) === x));
    $('orders-count').textContent = `(${rows.length} of ${state.orders.length})`;
    const tbody = $('orders').tBodies[0];
    tbody.replaceChildren(
      ...rows.map((o) => {
        const tr = el(
          'tr',
          { 'data-id': o.id, 'data-product': o.product, 'data-underlying': o.underlying },
          el('td', { textContent: o.underlying }),
          el('td', { textContent: o.product }),
          el('td', { textContent: o.strikes.map((s) => s.value).join(' / ') }),
          el('td', { textContent: utc(o.expiry) }),
          el('td', { class: 'num', textContent: `${o.price.value} ${o.collateral.symbol}` }),
          el('td', { class: 'num', textContent: o.capacity.maxContracts ? o.capacity.maxContracts.value : '?' }),
          el('td', { class: 'num', textContent: `${Math.max(0, Math.round(o.orderExpiryTimestamp - now))} s` }),
        );
        if (state.selected && sameStructure(state.selected, o)) tr.classList.add('selected');
        tr.addEventListener('click', () => select(o));
        return tr;
      }),
    );
  }

  // Quotes are re-signed every few seconds: follow the selected structure to its freshest quote.
  const sameStructure = (a, b) =>
    a.underlying === b.underlying && a.product === b.product && a.expiry === b.expiry && a.strikes.map((s) => s.raw).join() === b.strikes.map((s) => s.raw).join();
  const freshest = (o) => state.orders.filter((x) => sameStructure(x, o)).sort((a, b) => b.orderExpiryTimestamp - a.orderExpiryTimestamp)[0] || o;

  async function select(order) {
    state.selected = order;
    state.plan = null;
    $('send').disabled = true;
    $('plan').disabled = false;
    $('plan-facts').replaceChildren();
    renderOrders();
    await drawPayoff();
  }

  // ---- payoff ----
  // Quotes are re-signed every few seconds, so an order id lives only until the next feed: follow the picked
  // structure to its freshest quote, and once more after reloading the feed when the id is already gone.
  async function drawPayoff(retry = true) {
    const o = (state.selected = freshest(state.selected));
    $('payoff-title').textContent = `${o.underlying} ${o.product} ${o.strikes.map((s) => s.value).join('/')}`;
    try {
      const amount = encodeURIComponent($('amount').value.trim() || '100');
      const p = await api(`/nuts/orders/${o.id}/payoff?usdcAmount=${amount}&points=240`);
      const xs = p.points.map((pt) => Number(pt.price.value));
      const ys = p.points.map((pt) => Number(pt.profit.value));
      const strikes = new Set(o.strikes.map((s) => Number(s.value)));
      const kinks = xs.map((x, i) => (strikes.has(x) ? ys[i] : null));
      const host = $('payoff');
      const width = Math.max(260, Math.min(host.clientWidth, document.documentElement.clientWidth - 56));
      const opts = {
        width,
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: `${o.underlying} at expiry (USD)` }, { label: `profit (${p.collateralToken.symbol})`, size: 60 }],
        series: [
          {},
          { label: 'profit', stroke: '#2663d9', width: 2, fill: 'rgba(38,99,217,.08)' },
          { label: 'strike', stroke: '#c0392b', width: 0, spanGaps: false, points: { show: true, size: 9, fill: '#c0392b' } },
        ],
      };
      host.dataset.points = String(xs.length);
      host.dataset.kinks = String(kinks.filter((k) => k !== null).length);
      if (state.chart) state.chart.destroy();
      host.replaceChildren();
      state.chart = new uPlot(opts, [xs, ys, kinks], host);
      const facts = [
        ['contracts', p.numContracts.value],
        ['premium', `${p.premium.value} ${p.collateralToken.symbol}`],
        ['max payout', p.maxPayout ? `${p.maxPayout.value} ${p.collateralToken.symbol}` : '—'],
        ['breakeven', (p.breakevens || []).map((b) => b.value).join(', ') || '—'],
      ];
      $('payoff-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { textContent: k }), el('dd', { textContent: v })]));
    } catch (e) {
      if (retry && e.code === 'ORDER_NOT_FOUND') {
        await loadOrders();
        return drawPayoff(false);
      }
      $('payoff-facts').replaceChildren(el('dd', { class: 'error', textContent: e.message }));
    }
  }

  // ---- wallet ----
  async function connect() {
    const key = $('key').value.trim();
    const rpc = $('rpc').value.trim();
    try {
      if (key) {
        if (!rpc) throw new Error('the chain RPC URL is needed with a private key');
        const provider = new ethers.JsonRpcProvider(rpc, undefined, { staticNetwork: true, pollingInterval: 250 });
        state.wallet = new ethers.Wallet(key, provider);
      } else if (window.ethereum) {
        const provider = new ethers.BrowserProvider(window.ethereum);
        state.wallet = await provider.getSigner();
      } else {
        throw new Error('enter a devnet private key, or open this page in a browser with a wallet');
      }
      state.smart = $('smart').checked;
      if (state.smart && !key) throw new Error('a smart wallet needs its owner key');
      state.address = state.smart ? await smartWalletAddress() : await state.wallet.getAddress();
      $('wallet').textContent = `${state.smart ? 'smart wallet' : 'wallet'} ${state.address}`;
      $('sign-in').disabled = false;
      $('wallet').className = 'ok';
      subscribe();
      await loadPositions();
      for (const key of state.positions.keys()) state.announced.add(key);
    } catch (e) {
      $('wallet').textContent = e.message;
      $('wallet').className = 'error';
    }
  }

  // ---- Sign-In with Ethereum: an account key, or the Coinbase Smart Wallet it owns ----
  // The Coinbase Smart Wallet v1.1 factory on Base (coinbase/smart-wallet README, "Deployments"); the sandbox puts
  // the same contracts there on its devnet.
  const SMART_WALLET_FACTORY = '0xBA5ED110eFDBa3D005bfC882d75358ACBbB85842';
  const FACTORY_ABI = [
    'function getAddress(bytes[] owners, uint256 nonce) view returns (address)',
    'function createAccount(bytes[] owners, uint256 nonce) payable returns (address)',
  ];
  const ERC6492_SUFFIX = '6492'.repeat(16);
  const coder = ethers.AbiCoder.defaultAbiCoder();
  const smartOwners = () => [coder.encode(['address'], [state.wallet.address])];

  async function smartWalletAddress() {
    const factory = new ethers.Contract(SMART_WALLET_FACTORY, FACTORY_ABI, state.wallet.provider);
    // getFunction: a contract object's own getAddress() is ethers' (the contract's address)
    return factory.getFunction('getAddress')(smartOwners(), 0n);
  }

  /**
   * As a Base Account signs a message: the owner signs the wallet's replay-safe hash (EIP-712
   * CoinbaseSmartWalletMessage(bytes32 hash) in the wallet's domain), wrapped as SignatureWrapper(ownerIndex,
   * signatureData); while the wallet is not deployed, ERC-6492-wrapped with the factory's createAccount call.
   */
  async function smartWalletSign(message) {
    const { chainId } = await state.wallet.provider.getNetwork();
    const domain = { name: 'Coinbase Smart Wallet', version: '1', chainId, verifyingContract: state.address };
    const types = { CoinbaseSmartWalletMessage: [{ name: 'hash', type: 'bytes32' }] };
    const ownerSignature = state.wallet.signingKey.sign(
      ethers.TypedDataEncoder.hash(domain, types, { hash: ethers.hashMessage(message) }),
    ).serialized;
    const wrapped = coder.encode(['tuple(uint8 ownerIndex, bytes signatureData)'], [[0, ownerSignature]]);
    if ((await state.wallet.provider.getCode(state.address)) !== '0x') return wrapped;
    const createAccount = new ethers.Interface(FACTORY_ABI).encodeFunctionData('createAccount', [smartOwners(), 0n]);
    return coder.encode(['address', 'bytes', 'bytes'], [SMART_WALLET_FACTORY, createAccount, wrapped]) + ERC6492_SUFFIX;
  }

  async function signIn() {
    try {
      const n = await api('/auth/nonce');
      const message = [
        `${n.domain} wants you to sign in with your Ethereum account:`,
        ethers.getAddress(state.address),
        '',
        'Sign in to the nutsgate demo',
        '',
        `URI: ${n.uri}`,
        'Version: 1',
        `Chain ID: ${n.chainId}`,
        `Nonce: ${n.nonce}`,
        `Issued At: ${new Date().toISOString()}`,
      ].join('\n');
      const signature = state.smart ? await smartWalletSign(message) : await state.wallet.signMessage(message);
      const session = await api('/auth/verify', { method: 'POST', body: JSON.stringify({ message, signature }) });
      state.session = session.token;
      $('session').textContent = `signed in as ${session.address} until ${session.expiresAt}`;
      $('session').className = 'ok';
      log(`signed in (${state.smart ? 'smart wallet' : 'account key'}) as ${short(session.address)}`);
    } catch (e) {
      $('session').textContent = `sign-in refused: ${e.message}`;
      $('session').className = 'error';
    }
  }

  // ---- fill plan, sign and send ----
  async function plan(retry = true) {
    $('plan-error').textContent = '';
    const o = (state.selected = freshest(state.selected));
    try {
      const body = { usdcAmount: $('amount').value.trim() };
      if (state.address) body.taker = state.address;
      const p = await api(`/nuts/orders/${o.id}/fill-plan`, { method: 'POST', body: JSON.stringify(body) });
      state.plan = p;
      const sym = p.collateralToken.symbol;
      const facts = [
        ['order', `${p.underlying} ${p.product} (taker ${p.takerSide})`],
        ['contracts', `${p.numContracts.value}${p.capped ? ' (capped)' : ''}`],
        ['premium', `${p.premium.value} ${sym}`],
        ['fee (est.)', p.estimatedFee ? `${p.estimatedFee.value} ${sym}` : '—'],
        ['approve', `${p.approval.amount.value} ${sym} to ${short(p.approval.spender)}`],
        ['quote ends', utc(p.quoteExpiresAt)],
        ['transactions', p.transactions.map((t) => t.kind).join(' → ')],
      ];
      $('plan-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { textContent: k }), el('dd', { textContent: v })]));
      // A smart wallet sends through a bundler (ERC-4337), which the devnet has not: this demo only signs in with one.
      $('send').disabled = !state.wallet || state.smart;
      if (state.smart) $('plan-error').textContent = 'A smart wallet signs in here; sending needs a bundler (use the key alone).';
      if (!state.wallet) $('plan-error').textContent = 'Connect a wallet to sign.';
      drawPayoff();
    } catch (e) {
      if (retry && e.code === 'ORDER_NOT_FOUND') {
        await loadOrders();
        return plan(false);
      }
      state.plan = null;
      $('send').disabled = true;
      $('plan-error').textContent = e.message;
    }
  }

  async function send() {
    const p = state.plan;
    if (!p || !state.wallet) return;
    $('send').disabled = true;
    $('plan-error').textContent = '';
    try {
      let fill = null;
      for (const tx of p.transactions) {
        log(`${tx.kind}: signing…`);
        const sent = await state.wallet.sendTransaction({ to: tx.to, data: tx.data, value: tx.value ? BigInt(tx.value) : 0n });
        log(`${tx.kind}: sent ${short(sent.hash)}`);
        const receipt = await sent.wait();
        if (receipt.status !== 1) throw new Error(`${tx.kind} reverted in ${receipt.hash}`);
        log(`${tx.kind}: mined in block ${receipt.blockNumber}`);
        if (tx.kind === 'fillOrder') fill = receipt;
      }
      if (fill) {
        timeline.fills.push({ txHash: fill.hash.toLowerCase(), blockNumber: fill.blockNumber, receiptAt: Date.now() });
        announce(fill.hash);
      }
    } catch (e) {
      $('plan-error').textContent = e.shortMessage || e.message;
    } finally {
      state.plan = null;
    }
  }

  // Tell nutsgate about the fill: our indexer's POST /nuts/fills when the server runs one, and the Thetanuts-style
  // POST /nuts/update either way (pushes arrive when the indexer has seen the fill).
  async function announce(txHash) {
    api('/nuts/fills', { method: 'POST', body: JSON.stringify({ txHash }) }).then(
      () => log('POST /nuts/fills: accepted'),
      (e) => (e.status === 404 || e.status === 405 ? null : log(`POST /nuts/fills: ${e.message}`)),
    );
    try {
      await api('/nuts/update', { method: 'POST', body: JSON.stringify({ address: state.address }) });
      log('POST /nuts/update: the indexer syncs; the trade arrives by push');
    } catch (e) {
      log(`POST /nuts/update: ${e.message}`);
    }
  }

  // ---- positions and pushes ----
  const socket = io(API, { transports: ['websocket', 'polling'] });
  socket.on('connect', () => {
    $('socket-state').textContent = 'socket: connected';
    if (state.address) subscribe();
  });
  socket.on('disconnect', () => ($('socket-state').textContent = 'socket: reconnecting…'));
  function subscribe() {
    if (!state.address || !socket.connected) return;
    socket.emit('subscribe:positions', state.address, (ack) => {
      if (ack && !ack.ok) log(`subscribe: ${ack.error.code} ${ack.error.message}`);
    });
  }
  socket.on('trade:new', (trade) => {
    const now = Date.now();
    timeline.pushes.push({ txHash: trade.entryTxHash.toLowerCase(), status: trade.status, at: now });
    const key = trade.entryTxHash + trade.optionAddress;
    // Once per trade, and not for the ones listed when the wallet connected: a position:update may have reloaded the
    // list with this trade before its trade:new arrived, so "already in the list" does not mean "already announced".
    if (!state.announced.has(key)) {
      state.announced.add(key);
      toast(trade);
    }
    state.positions.set(key, trade);
    renderPositions();
  });
  socket.on('trade:removed', (trade) => {
    state.positions.delete(trade.entryTxHash + trade.optionAddress);
    renderPositions();
  });
  // The option's life read from the chain: settled (ITM/OTM, payout, P&L), closed, transferred, failed settlement.
  socket.on('trade:settled', (trade) => {
    state.positions.set(trade.entryTxHash + trade.optionAddress, trade);
    lifecycleToast(trade, `Settled ${trade.outcome} at ${trade.settlementPrice.value}: paid ${trade.payout.value} ${trade.collateral.symbol}`);
    renderPositions();
  });
  socket.on('trade:updated', (trade) => {
    state.positions.set(trade.entryTxHash + trade.optionAddress, trade);
    if (trade.status !== 'expired') lifecycleToast(trade, `${trade.tradeStatus.replace('_', ' ').toLowerCase()}`);
    renderPositions();
  });
  socket.on('position:update', () => loadPositions());

  async function loadPositions() {
    if (!state.address) return;
    try {
      const page = await api(`/nuts/users/${state.address}/trades?limit=50`);
      for (const t of page.trades) state.positions.set(t.entryTxHash + t.optionAddress, { ...t, tradeStatus: t.status });
      renderPositions();
    } catch (e) {
      log(`trades: ${e.message}`);
    }
  }

  function renderPositions() {
    try {
      drawPositions();
    } catch (e) {
      log(`positions: ${e.message}`);
    }
  }

  function drawPositions() {
    const rows = [...state.positions.values()].sort((a, b) => Number(b.createdAt) - Number(a.createdAt));
    $('positions-empty').hidden = rows.length > 0;
    $('positions').tBodies[0].replaceChildren(
      ...rows.map((t) =>
        el(
          'tr',
          { 'data-tx': t.entryTxHash.toLowerCase() },
          el('td', { textContent: utc(t.createdAt) }),
          el('td', { textContent: `${t.underlying ?? ''} ${t.product ?? ''}` }),
          el('td', { textContent: (t.strikes || []).map((s) => s.value).join(' / ') }),
          el('td', { textContent: t.side }),
          el('td', { class: 'num', textContent: t.contracts.value }),
          el('td', { class: 'num', textContent: `${t.premium.value} ${t.collateral.symbol ?? ''}` }),
          el('td', { textContent: (t.tradeStatus || t.status) + (t.outcome ? ` ${t.outcome}` : '') + (t.transferredTo ? ` → ${short(t.transferredTo)}` : '') + (t.splitFrom ? ` (split from ${short(t.splitFrom)})` : '') }),
          el('td', { class: 'num', textContent: t.settlementPrice ? t.settlementPrice.value : '' }),
          el('td', { class: 'num', textContent: t.payout ? `${t.payout.value} ${t.collateral.symbol ?? ''}` : '' }),
          el('td', { class: 'num', textContent: t.pnl ? t.pnl.value : '' }),
          el('td', { textContent: short(t.entryTxHash) }),
        ),
      ),
    );
  }

  function toast(trade) {
    const t = el(
      'div',
      { class: 'toast', 'data-tx': trade.entryTxHash.toLowerCase() },
      el('b', { textContent: 'New trade ' }),
      `${trade.side} ${trade.contracts.value} × ${trade.underlying} ${trade.product} for ${trade.premium.value} ${trade.collateral.symbol} (${trade.status})`,
    );
    $('toasts').append(t);
    setTimeout(() => t.remove(), 15000);
  }

  function lifecycleToast(trade, what) {
    const t = el(
      'div',
      { class: 'toast', 'data-tx': trade.entryTxHash.toLowerCase(), 'data-lifecycle': trade.status },
      el('b', { textContent: `${trade.underlying} ${trade.product}: ` }),
      what,
    );
    $('toasts').append(t);
    setTimeout(() => t.remove(), 15000);
  }

  // ---- wiring ----
  for (const id of ['f-underlying', 'f-product', 'f-expiry']) $(id).addEventListener('change', renderOrders);
  $('connect').addEventListener('click', connect);
  $('sign-in').addEventListener('click', signIn);
  $('plan').addEventListener('click', () => plan());
  $('send').addEventListener('click', send);
  $('amount').addEventListener('change', () => state.selected && drawPayoff());
  if (params.get('key')) $('key').value = params.get('key');
  if (params.get('rpc')) $('rpc').value = params.get('rpc');
  if (params.get('smart') === '1') $('smart').checked = true;
  loadOrders();
  setInterval(loadOrders, 5000);
  if ($('key').value && $('rpc').value) connect();
})();
