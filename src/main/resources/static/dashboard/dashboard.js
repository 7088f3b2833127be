// The operator's dashboard: GET /nuts/dashboard (Bearer NUTS_MANAGEMENT_TOKEN, the metrics' token), the leaderboard,
// the indexer's stats and the service's health (with details, same token), redrawn every 5 s. Token from the URL
// fragment (#token=…) or the form; kept for the tab only.
'use strict';
(() => {
  const API = window.location.origin;
  const { $, el } = window.pages;
  const REFRESH_MS = 5000;
  const COLORS = ['#2663d9', '#1a8a4a', '#d9822b', '#8e44ad', '#c0392b', '#16a085'];
  const charts = {};
  let token = new URLSearchParams(window.location.hash.slice(1)).get('token') || sessionStorage.getItem('nuts-management-token') || '';
  window.__dashboard = { renders: 0 };

  const num = (s) => Number(s);
  const fmt = (x, dp = 2) => Number(x).toLocaleString('en-US', { maximumFractionDigits: dp, minimumFractionDigits: 0 });
  // Every token amount on the page is shown one way: rounded half-up to 4 decimals (6.39565 USDC -> 6.3957).
  const amount = (x) => fmt(x, 4);
  const short = (a) => (a ? a.slice(0, 6) + '…' + a.slice(-4) : '');

  async function get(path, auth) {
    const res = await fetch(API + path, { headers: { accept: 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) } });
    const body = await res.json().catch(() => null);
    if (!body || !body.success) {
      const e = new Error(body && body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`);
      e.status = res.status;
      throw e;
    }
    return body.data;
  }
  const optional = (p) => p.catch(() => null);

  /** A bar chart over categories (uPlot with category labels on x); series = [{label, values}]. */
  function bars(id, labels, series, yLabel) {
    const host = $(id);
    const xs = labels.map((_, i) => i);
    const data = [xs, ...series.map((s) => s.values)];
    const opts = {
      width: Math.max(260, Math.min(host.clientWidth, document.documentElement.clientWidth - 56)),
      height: 240,
      scales: { x: { time: false, range: [-0.6, Math.max(labels.length - 0.4, 0.6)] }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] } },
      axes: [
        { splits: () => xs, values: (u, splits) => splits.map((i) => labels[i] ?? ''), rotate: labels.length > 4 ? -30 : 0, size: labels.length > 4 ? 70 : 40 },
        { label: yLabel, size: 60 },
      ],
      series: [
        {},
        ...series.map((s, i) =>
          s.line
            ? { label: s.label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: true, size: 8 } }
            : {
                label: s.label,
                stroke: COLORS[i % COLORS.length],
                fill: COLORS[i % COLORS.length] + 'cc',
                paths: uPlot.paths.bars({ size: [0.6, 80], align: 0, gap: 2 }),
                points: { show: false },
              },
        ),
      ],
    };
    const key = JSON.stringify([labels, series.map((s) => s.label)]);
    if (charts[id] && charts[id].key === key) {
      charts[id].plot.setData(data);
    } else {
      if (charts[id]) {
        charts[id].observer.disconnect();
        charts[id].plot.destroy();
      }
      host.replaceChildren();
      const plot = new uPlot(opts, data, host);
      const observer = new ResizeObserver(() => host.clientWidth && plot.setSize({ width: host.clientWidth, height: 240 }));
      observer.observe(host);
      charts[id] = { key, plot, observer };
    }
    host.dataset.bars = String(series.reduce((n, s) => n + s.values.filter((v) => v).length, 0));
    host.dataset.total = String(series.reduce((n, s) => n + s.values.reduce((a, v) => a + (v || 0), 0), 0));
  }

  function cards(d, summary, revenue) {
    const sum = (rows, f) => rows.reduce((a, r) => a + num(f(r)), 0);
    const referral = d.revenuePerDay.filter((r) => r.referralFees);
    const list = [
      ['fills', d.revenuePerDay.reduce((a, r) => a + r.trades, 0), 'fills'],
      ['traders', summary ? summary.uniqueTraders : '—', 'unique traders'],
      ['volume', amount(sum(d.revenuePerDay, (r) => r.volume.value)), 'premium volume (USDC)'],
      ['fees', amount(sum(d.revenuePerDay, (r) => r.fees.value)), 'protocol fees (USDC)'],
      ['referral', referral.length ? amount(sum(referral, (r) => r.referralFees.value)) : '—', `referral revenue, est. at ${d.referralFeeSplitBps ?? '?'} bps`],
      ['earned', revenue ? revenue.tokens.map((t) => `${amount(t.earned.value)} ${t.token.symbol}`).join(', ') || '0' : '—', revenue ? 'referral fees paid to us (chain)' : 'earned: needs BASE_RPC_URL'],
      ['claimable', revenue ? claimable(revenue) : '—', revenue ? 'claimable now: fees(token, referrer)' : 'claimable: needs BASE_RPC_URL'],
    ];
    $('cards').replaceChildren(...list.map(([id, v, k]) => el('div', { class: 'card', 'data-card': id }, el('div', { class: 'v', textContent: String(v) }), el('div', { class: 'k', textContent: k }))));
  }

  // GET /nuts/referrer/revenue (our chain indexer): per token what was earned and what fees(token, referrer) holds now.
  function claimable(revenue) {
    const tokens = revenue.tokens || [];
    if (!tokens.length) return '0';
    return tokens.map((t) => `${t.claimable ? amount(t.claimable.value) : '?'} ${t.token ? t.token.symbol : ''}`).join(', ');
  }

  function indexerText(i) {
    if (!i.enabled) return 'off (BASE_RPC_URL unset)';
    const lag = i.lagBlocks != null ? `${i.lagBlocks} blocks behind` : '';
    const secs = i.lagSeconds != null ? ` (${i.lagSeconds} s)` : '';
    const error = i.lastError ? `, last error: ${i.lastError}` : '';
    return `block ${i.indexedBlock ?? '—'} of ${i.headBlock ?? '—'}, ${lag}${secs}${i.leader ? ', leader here' : ''}${error}`;
  }

  async function refresh() {
    if (!token) {
      $('auth').hidden = false;
      return;
    }
    try {
      const [d, summary, board, stats, health, revenue, indexer] = await Promise.all([
        get('/nuts/dashboard?days=30', true),
        optional(get('/nuts/referrer/summary?window=30d')),
        optional(get('/nuts/leaderboard?window=30d&metric=volume&limit=10')),
        optional(get('/nuts/stats')),
        fetch(API + '/actuator/health', { headers: { accept: 'application/json', authorization: `Bearer ${token}` } })
          .then((r) => r.json())
          .catch(() => null),
        optional(get('/nuts/referrer/revenue', true)),
        optional(get('/nuts/indexer', true)),
      ]);
      $('auth').hidden = true;
      $('error').textContent = '';
      $('referrer').textContent = d.referrer ? `referrer ${d.referrer}` : 'no referrer configured';
      cards(d, summary, revenue);

      // Revenue per day: one bar series per token, referral estimate when the split is known, else fees.
      const days = [...new Set(d.revenuePerDay.map((r) => r.date))].sort();
      const tokens = [...new Map(d.revenuePerDay.map((r) => [r.collateral.address, r.collateral])).values()];
      bars(
        'chart-revenue',
        days.map((x) => x.slice(5)),
        tokens.map((t) => ({
          label: `${t.symbol} ${d.referralFeeSplitBps != null ? 'referral' : 'fees'}`,
          values: days.map((day) => {
            const r = d.revenuePerDay.find((x) => x.date === day && x.collateral.address === t.address);
            return r ? num((r.referralFees || r.fees).value) : 0;
          }),
        })),
        'USDC',
      );
      $('revenue').tBodies[0].replaceChildren(
        ...d.revenuePerDay.slice().reverse().map((r) =>
          el('tr', {}, el('td', { textContent: r.date }), el('td', { textContent: r.collateral.symbol }), el('td', { class: 'num', textContent: r.trades }),
            el('td', { class: 'num', textContent: amount(r.volume.value) }), el('td', { class: 'num', textContent: amount(r.fees.value) }),
            el('td', { class: 'num', textContent: r.referralFees ? amount(r.referralFees.value) : '—' }))),
      );

      $('payouts').tBodies[0].replaceChildren(
        ...(d.payoutsPerDay || []).slice().reverse().map((p) =>
          el('tr', {}, el('td', { textContent: p.date }), el('td', { textContent: p.collateral.symbol }), el('td', { class: 'num', textContent: p.settled }),
            el('td', { class: 'num', textContent: p.inTheMoney }), el('td', { class: 'num', textContent: amount(p.payouts.value) }))),
      );

      const products = d.volumeByProduct;
      bars('chart-volume', products.map((p) => `${p.underlying} ${p.product}`), [{ label: 'volume', values: products.map((p) => num(p.volume.value)) }], 'USDC');
      const tdays = d.tradersPerDay;
      bars('chart-traders', tdays.map((t) => t.date.slice(5)), [
        { label: 'traders', values: tdays.map((t) => t.traders) },
        { label: 'fills', values: tdays.map((t) => t.trades), line: true },
      ], 'count');

      $('leaderboard').tBodies[0].replaceChildren(
        ...(board ? board.entries : []).map((e) =>
          el('tr', {}, el('td', { textContent: e.rank }), el('td', { textContent: e.username || e.displayName || short(e.address || e.wallet) }),
            el('td', { class: 'num', textContent: amount(e.value.value) }), el('td', { class: 'num', textContent: e.trades }))),
      );

      const upstream = health && health.components ? health.components.upstream : null;
      const now = Date.now() / 1000;
      const facts = [
        ['service', !health ? pill('DOWN') : health.status ? pill(health.status) : 'served on MANAGEMENT_PORT, not here'],
        ['upstream (Thetanuts)', upstream ? pill(upstream.status) : 'details need the management token (NUTS_MANAGEMENT_TOKEN)'],
        ['indexer last block', stats && stats.lastProcessedBlock != null ? String(stats.lastProcessedBlock) : '—'],
        ['indexer lag', stats && stats.lastUpdateTimestamp ? `${Math.max(0, Math.round(now - stats.lastUpdateTimestamp))} s` : '—'],
        ['our chain indexer', indexer ? indexerText(indexer) : 'not available (BASE_RPC_URL unset)'],
      ];
      $('health').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { textContent: k }), typeof v === 'string' ? el('dd', { textContent: v }) : el('dd', {}, v)]));
      $('refreshed').textContent = `refreshed ${new Date().toLocaleTimeString()}`;
      window.__dashboard.renders++;
      window.__dashboard.data = d;
    } catch (e) {
      if (e.status === 401 || e.status === 404) {
        $('auth').hidden = false;
        $('auth-error').textContent =
          e.status === 404
            ? 'This service has no NUTS_MANAGEMENT_TOKEN set, so the dashboard has no data to show: restart it with one (at least 16 characters).'
            : token
              ? `The service refused this token (${e.message}): enter its NUTS_MANAGEMENT_TOKEN.`
              : 'Nothing is shown until you enter the service\'s NUTS_MANAGEMENT_TOKEN above (or open /dashboard/#token=…): the dashboard\'s data is behind the same token as its metrics.';
      } else {
        $('error').textContent = e.message;
      }
    }
  }
  const pill = (status) => el('span', { class: `pill ${status === 'UP' ? 'up' : 'down'}`, textContent: status });

  $('use-token').addEventListener('click', () => {
    token = $('token').value.trim();
    sessionStorage.setItem('nuts-management-token', token);
    refresh();
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
