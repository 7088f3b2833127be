// The seed design, as a baseline for bench/compare.sh: Express proxies the orders feed and keeps the last
// answer in memory for TTL_MS. Usage: PORT=18090 FEED_URL=http://127.0.0.1:19080/feed/ node server.js
const express = require("express");

const port = Number(process.env.PORT || 18090);
const feedUrl = process.env.FEED_URL || "http://127.0.0.1:19080/feed/";
const ttlMs = Number(process.env.TTL_MS || 30000);

const app = express();
let cached = null; // { body, at }

app.get("/nuts/orders", async (req, res) => {
  try {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const upstream = await fetch(feedUrl, { signal: AbortSignal.timeout(5000) });
      const feed = await upstream.json();
      cached = { body: { success: true, data: feed.data }, at: Date.now() };
    }
    res.json(cached.body);
  } catch (e) {
    res.status(502).json({ success: false, error: { code: "UPSTREAM_UNAVAILABLE", message: String(e) } });
  }
});

app.listen(port, "127.0.0.1", () => console.log(`seed baseline on ${port}, feed ${feedUrl}`));
