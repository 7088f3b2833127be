// Push benchmark client: N official socket.io-client WebSocket connections, each subscribed to its own wallet.
//   node push-bench.js <baseUrl> <clients> [concurrentConnects=200]
// Prints {"ready":N,"failed":F,"connectSeconds":…} once all are subscribed; then, for every event received,
// records now - payload.t (ms). A line "report" on stdin prints {"received":…,"p50":…,"p99":…,"max":…} and resets.
const { io } = require('socket.io-client');
const readline = require('readline');

const [url, countArg, concurrencyArg] = process.argv.slice(2);
const count = Number(countArg);
const concurrency = Number(concurrencyArg || 200);
const sockets = [];
let latencies = [];
let failed = 0;

const wallet = (i) => '0x' + (0xb000000 + i).toString(16).padStart(40, '0');

function connectOne(i) {
  return new Promise((resolve) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, timeout: 60000 });
    const onEvent = (payload) => latencies.push(Date.now() - payload.t);
    socket.on('trade:new', onEvent);
    socket.on('connect', () => {
      socket.timeout(60000).emit('subscribe:positions', wallet(i), (err, ack) => {
        if (err || !ack || !ack.ok) failed++;
        resolve();
      });
    });
    socket.on('connect_error', () => { failed++; resolve(); });
    sockets.push(socket);
  });
}

(async () => {
  const start = Date.now();
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < count) await connectOne(next++);
  });
  await Promise.all(workers);
  console.log(JSON.stringify({ ready: count - failed, failed, connectSeconds: (Date.now() - start) / 1000 }));
})();

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] : null;
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'report') {
    const sorted = latencies.slice().sort((a, b) => a - b);
    console.log(JSON.stringify({ received: sorted.length, p50: pct(sorted, 50), p99: pct(sorted, 99), max: sorted[sorted.length - 1] ?? null }));
    latencies = [];
  } else if (line.trim() === 'quit') {
    sockets.forEach((s) => s.close());
    process.exit(0);
  }
});
