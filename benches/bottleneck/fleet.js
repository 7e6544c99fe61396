#!/usr/bin/env node
// Fleet rate-limit benchmark, Bottleneck side.
//
// N worker processes share ONE Trello API-key budget (default 300 requests per 10 s) through a
// Bottleneck limiter clustered on Redis (datastore "ioredis", same `id` everywhere). Each worker
// runs `concurrency` loops that schedule `GET {api_base}/1/members/me` through the limiter and
// count what the server answered. The parent prints ONE JSON line on stdout; with --detail it
// also prints, on stderr, the outcomes per fixed window aligned to the epoch (how Trello and the
// sandbox count).
//
//   node fleet.js --api-base http://127.0.0.1:PORT --key KEY --tokens T1,T2,... \
//     --redis redis://127.0.0.1:RPORT --processes 8 --concurrency 4 --seconds 60 \
//     [--max 300 --window-ms 10000] [--id NAME] [--min-time 0] [--phase-ms P] [--detail]
//
// --phase-ms P: create the shared limiter P ms into an epoch-aligned window, so that Bottleneck's
// reservoir refreshes (every window-ms from its creation) happen about P ms into the server's
// fixed windows. Without it the phase is whatever the clock says at start, and the number of 429s
// depends on it (bursts that straddle a window boundary get refused).
"use strict";

const { fork } = require("child_process");
const http = require("http");
const https = require("https");
const Bottleneck = require("bottleneck");

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (name === "detail") {
      out.detail = true;
      continue;
    }
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    out[name] = argv[++i];
  }
  const need = ["api-base", "key", "tokens", "redis"];
  for (const n of need) if (out[n] == null) throw new Error(`--${n} is required`);
  const int = (n, d) => {
    const v = out[n] == null ? d : Number(out[n]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${n} must be a number`);
    return v;
  };
  return {
    apiBase: out["api-base"].replace(/\/+$/, ""),
    key: out.key,
    tokens: out.tokens.split(",").filter(Boolean),
    redis: out.redis,
    processes: int("processes", 8),
    concurrency: int("concurrency", 4),
    seconds: int("seconds", 60),
    max: int("max", 300),
    windowMs: int("window-ms", 10000),
    minTime: int("min-time", 0),
    phaseMs: out["phase-ms"] == null ? null : int("phase-ms", 0),
    id: out.id || `trello-fleet-bench-${process.pid}-${Date.now()}`,
    detail: !!out.detail,
  };
}

// ioredis options from a redis:// URL (Bottleneck passes `clientOptions` to `new Redis(opts)`).
function redisClientOptions(url) {
  const u = new URL(url);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new Error(`--redis must be a redis:// URL, got ${url}`);
  }
  const opts = { host: u.hostname || "127.0.0.1", port: Number(u.port || 6379) };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  const db = u.pathname.replace(/^\//, "");
  if (db) opts.db = Number(db);
  if (u.protocol === "rediss:") opts.tls = {};
  return opts;
}

// Bottleneck's documented recipe for "N requests per window" (README, reservoir intervals):
// a reservoir of N, refreshed to N every window. maxConcurrent null: only the budget limits.
function limiterOptions(cfg, clearDatastore) {
  return {
    id: cfg.id,
    datastore: "ioredis",
    clientOptions: redisClientOptions(cfg.redis),
    clearDatastore,
    maxConcurrent: null,
    minTime: cfg.minTime,
    reservoir: cfg.max,
    reservoirRefreshAmount: cfg.max,
    reservoirRefreshInterval: cfg.windowMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Worker
// ---------------------------------------------------------------------------------------------

async function worker(cfg, index) {
  const limiter = new Bottleneck(limiterOptions(cfg, false));
  let limiterErrors = 0;
  limiter.on("error", () => {
    limiterErrors++;
  });
  await limiter.ready();

  const url = new URL(cfg.apiBase + "/1/members/me");
  const lib = url.protocol === "https:" ? https : http;
  const agent = new lib.Agent({ keepAlive: true, maxSockets: cfg.concurrency });

  const counts = { sent: 0, ok: 0, "429": 0, other: 0, errors: 0 };
  // Outcomes per fixed window (epoch-aligned, by send time), for --detail: {window: [ok, 429, other, errors]}.
  const perWindow = {};
  const perSecond = {}; // requests sent per wall-clock second, for --detail
  const bump = (col, at) => {
    const w = Math.floor(at / cfg.windowMs);
    (perWindow[w] ||= [0, 0, 0, 0])[col]++;
    const sec = Math.floor(at / 1000);
    perSecond[sec] = (perSecond[sec] || 0) + 1;
  };
  let tokenIndex = index; // round-robin over the tokens, offset per worker

  const request = (token) =>
    new Promise((resolve) => {
      const req = lib.request(
        url,
        {
          method: "GET",
          agent,
          headers: {
            Authorization: `OAuth oauth_consumer_key="${cfg.key}", oauth_token="${token}"`,
            Accept: "application/json",
          },
          timeout: 30000,
        },
        (res) => {
          res.resume(); // drain the body so the socket goes back to the pool
          res.on("end", () => resolve({ status: res.statusCode }));
          res.on("error", (e) => resolve({ error: e }));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (e) => resolve({ error: e }));
      req.end();
    });

  // Wait for the parent's start signal (a shared wall-clock start and deadline).
  const { startAt, deadline } = await new Promise((resolve) => {
    process.on("message", (m) => {
      if (m && m.type === "start") resolve(m);
    });
    process.send({ type: "ready", index });
  });
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));

  async function loop() {
    while (Date.now() < deadline) {
      const token = cfg.tokens[tokenIndex++ % cfg.tokens.length];
      let result;
      let sentAt = Date.now();
      try {
        // expiration: the cluster frees a job's slot if this process dies mid-request.
        result = await limiter.schedule({ expiration: 60000 }, () => {
          counts.sent++;
          sentAt = Date.now(); // when the limiter let it go: the window the server counts it in
          return request(token);
        });
      } catch (e) {
        result = { error: e };
      }
      if (result.error) {
        counts.errors++;
        bump(3, sentAt);
      } else if (result.status >= 200 && result.status < 300) {
        counts.ok++;
        bump(0, sentAt);
      } else if (result.status === 429) {
        counts["429"]++;
        bump(1, sentAt);
      } else {
        counts.other++;
        bump(2, sentAt);
      }
    }
  }
  // A job admitted after the deadline still runs (it is in flight from the limiter's point of
  // view); we stop scheduling new ones and wait for every loop to finish its current job.
  await Promise.all(Array.from({ length: cfg.concurrency }, loop));

  agent.destroy();
  await new Promise((r) => process.send({ type: "result", index, counts, perWindow, perSecond, limiterErrors }, r));
  await limiter.disconnect(false).catch(() => {});
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Parent
// ---------------------------------------------------------------------------------------------

async function parent(cfg) {
  // Clear and initialise the shared state ONCE, before any worker connects: the first limiter
  // to connect stores its settings (and the reservoir) in Redis; later ones reuse them.
  if (cfg.phaseMs != null) {
    const now = Date.now();
    const target = Math.floor(now / cfg.windowMs) * cfg.windowMs + (cfg.phaseMs % cfg.windowMs);
    await new Promise((r) => setTimeout(r, (target > now ? target : target + cfg.windowMs) - now));
  }
  const init = new Bottleneck(limiterOptions(cfg, true));
  init.on("error", (e) => console.error(`bottleneck (init): ${e}`));
  await init.ready();
  await init.disconnect(false);

  const children = [];
  const ready = [];
  const results = [];
  for (let i = 0; i < cfg.processes; i++) {
    const child = fork(__filename, process.argv.slice(2), {
      env: { ...process.env, FLEET_WORKER_INDEX: String(i), FLEET_ID: cfg.id },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
    ready.push(
      new Promise((resolve, reject) => {
        child.on("message", (m) => {
          if (m.type === "ready") resolve();
          if (m.type === "result") results[m.index] = m;
        });
        child.on("exit", (code) => {
          if (code !== 0) reject(new Error(`worker ${i} exited with ${code}`));
        });
      }),
    );
  }
  await Promise.all(ready);
  const startAt = Date.now() + 200;
  const deadline = startAt + cfg.seconds * 1000;
  for (const c of children) c.send({ type: "start", startAt, deadline });
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode != null ? r() : c.on("exit", r)))));
  const elapsed = (Date.now() - startAt) / 1000;

  const total = { sent: 0, ok: 0, "429": 0, other: 0, errors: 0 };
  const perWindow = {};
  const perSecond = {};
  let limiterErrors = 0;
  for (let i = 0; i < cfg.processes; i++) {
    const r = results[i];
    if (!r) throw new Error(`worker ${i} sent no result`);
    for (const k of Object.keys(total)) total[k] += r.counts[k];
    limiterErrors += r.limiterErrors;
    for (const [w, v] of Object.entries(r.perWindow)) {
      const acc = (perWindow[w] ||= [0, 0, 0, 0]);
      v.forEach((x, j) => (acc[j] += x));
    }
    for (const [sec, n] of Object.entries(r.perSecond)) perSecond[sec] = (perSecond[sec] || 0) + n;
  }
  const budget = (cfg.max * cfg.seconds * 1000) / cfg.windowMs;
  // Built by hand: a JS object would put the integer-like key "429" first.
  const fields = [
    ["tool", "bottleneck"],
    ["processes", cfg.processes],
    ["concurrency", cfg.concurrency],
    ["seconds", cfg.seconds],
    ["sent", total.sent],
    ["ok", total.ok],
    ["429", total["429"]],
    ["other", total.other],
    ["errors", total.errors],
    ["budget", budget],
    ["utilisation", Math.round((total.ok / budget) * 10000) / 10000],
  ];
  console.log("{" + fields.map(([k, v]) => JSON.stringify(k) + ":" + JSON.stringify(v)).join(",") + "}");
  if (cfg.detail) {
    console.error(`elapsed ${elapsed.toFixed(2)} s, limiter error events ${limiterErrors}`);
    console.error("window_start_utc          ok  429 other errors   (fixed windows aligned to the epoch)");
    for (const w of Object.keys(perWindow).map(Number).sort((a, b) => a - b)) {
      const [ok, r429, other, errors] = perWindow[w];
      const t = new Date(w * cfg.windowMs).toISOString();
      console.error(`${t} ${String(ok).padStart(4)} ${String(r429).padStart(4)} ${String(other).padStart(5)} ${String(errors).padStart(6)}`);
    }
    const secs = Object.keys(perSecond).map(Number).sort((a, b) => a - b);
    if (secs.length) {
      const line = [];
      for (let s = secs[0]; s <= secs[secs.length - 1]; s++) line.push(`${new Date(s * 1000).toISOString().slice(14, 19)}=${perSecond[s] || 0}`);
      console.error("sent per second (mm:ss=n): " + line.join(" "));
    }
  }
}

const cfg = parseArgs(process.argv.slice(2));
if (process.env.FLEET_WORKER_INDEX != null) {
  cfg.id = process.env.FLEET_ID;
  worker(cfg, Number(process.env.FLEET_WORKER_INDEX)).catch((e) => {
    console.error(`worker ${process.env.FLEET_WORKER_INDEX}: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
} else {
  parent(cfg).catch((e) => {
    console.error(`fleet: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
}
