#!/usr/bin/env node
// Decisions per second of ONE process on a Redis-clustered Bottleneck limiter.
//
//   node decisions.js --redis redis://127.0.0.1:RPORT [--seconds 5] [--inflight 64] [--warmup-ms 1000]
//
// The limiter has a reservoir so large that no job ever waits for budget, so what is measured is
// Bottleneck's own cost per admission (its Redis round trips and Lua scripts): `inflight` loops
// each schedule a no-op job, over and over. Prints ONE JSON line.
"use strict";

const Bottleneck = require("bottleneck");

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  if (!out.redis) throw new Error("--redis is required");
  return {
    redis: out.redis,
    seconds: Number(out.seconds || 5),
    inflight: Number(out.inflight || 64),
    warmupMs: Number(out["warmup-ms"] || 1000),
  };
}

function redisClientOptions(url) {
  const u = new URL(url);
  const opts = { host: u.hostname || "127.0.0.1", port: Number(u.port || 6379) };
  if (u.username) opts.username = decodeURIComponent(u.username);
  if (u.password) opts.password = decodeURIComponent(u.password);
  const db = u.pathname.replace(/^\//, "");
  if (db) opts.db = Number(db);
  if (u.protocol === "rediss:") opts.tls = {};
  return opts;
}

async function main() {
  const cfg = parseArgs(process.argv.slice(2));
  const HUGE = 1e12;
  const limiter = new Bottleneck({
    id: `trello-decisions-bench-${process.pid}-${Date.now()}`,
    datastore: "ioredis",
    clientOptions: redisClientOptions(cfg.redis),
    clearDatastore: true,
    maxConcurrent: null,
    reservoir: HUGE,
    reservoirRefreshAmount: HUGE,
    reservoirRefreshInterval: 10000,
  });
  let limiterErrors = 0;
  limiter.on("error", () => limiterErrors++);
  await limiter.ready();

  const start = Date.now();
  const measureFrom = start + cfg.warmupMs;
  const end = measureFrom + cfg.seconds * 1000;
  let decisions = 0;
  let failed = 0;
  const noop = () => Promise.resolve();

  async function loop() {
    for (;;) {
      const now = Date.now();
      if (now >= end) return;
      try {
        await limiter.schedule(noop);
        if (Date.now() >= measureFrom && Date.now() < end) decisions++;
      } catch (e) {
        failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: cfg.inflight }, loop));

  console.log(
    JSON.stringify({
      tool: "bottleneck",
      decisions_per_second: Math.round(decisions / cfg.seconds),
      seconds: cfg.seconds,
      inflight: cfg.inflight,
      decisions,
      failed,
      limiter_errors: limiterErrors,
    }),
  );
  await limiter.disconnect(false).catch(() => {});
  process.exit(0);
}

main().catch((e) => {
  console.error(`decisions: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
