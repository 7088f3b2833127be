// A Socket.IO client for the tests: the official socket.io-client, used as a frontend would use it.
//   node client.js <baseUrl> [default|websocket|polling] [token]
//   FORWARDED_FOR=<address> in the environment sends X-Forwarded-For: <address> on every request (a client behind a
//   proxy the server trusts)
// Reads one JSON command per line on stdin:
//   {"emit": "<event>", "args": [...], "ack": "<ref>"}      ack optional; "bigString": n replaces args by one n-char string
//   {"close": true}
// and prints one JSON line per thing that happened:
//   {"type":"open","transport":…} (the engine's first transport)  {"type":"upgrade","transport":"websocket"}
//   {"type":"connect","id":…,"transport":"polling"|"websocket"} (the transport when the namespace connected)
//   {"type":"event","event":…,"args":[…]}  {"type":"ack","ref":…,"args":[…]}  {"type":"ackTimeout","ref":…}
//   {"type":"connect_error","message":…,"description":…}  (description: e.g. the refused handshake's HTTP status)  {"type":"disconnect","reason":…}
const { io } = require('socket.io-client');
const readline = require('readline');

const [url, transport, token] = process.argv.slice(2);
const options = { reconnection: false };
if (transport === 'websocket') options.transports = ['websocket'];
if (transport === 'polling') options.transports = ['polling'];
if (token) options.auth = { token };
if (process.env.FORWARDED_FOR) options.extraHeaders = { 'X-Forwarded-For': process.env.FORWARDED_FOR };
const socket = io(url, options);

const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');

// The engine opens (on its first transport) before the namespace connects; the upgrade may come before or after.
socket.io.on('open', () => {
  print({ type: 'open', transport: socket.io.engine.transport.name });
  socket.io.engine.on('upgrade', (t) => print({ type: 'upgrade', transport: t.name }));
});
socket.on('connect', () => {
  print({ type: 'connect', id: socket.id, transport: socket.io.engine.transport.name });
});
socket.on('connect_error', (e) => {
  const d = e.description;
  print({ type: 'connect_error', message: e.message, description: String((d && d.message) || d || '') });
});
socket.on('disconnect', (reason) => print({ type: 'disconnect', reason }));
socket.onAny((event, ...args) => print({ type: 'event', event, args }));

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return;
  const command = JSON.parse(line);
  if (command.close) {
    socket.close();
    setTimeout(() => process.exit(0), 50);
    return;
  }
  const args = command.bigString ? ['x'.repeat(command.bigString)] : command.args || [];
  if (command.ack) {
    socket.timeout(10000).emit(command.emit, ...args, (err, ...reply) => {
      if (err) print({ type: 'ackTimeout', ref: command.ack });
      else print({ type: 'ack', ref: command.ack, args: reply });
    });
  } else {
    socket.emit(command.emit, ...args);
  }
}).on('close', () => process.exit(0));
