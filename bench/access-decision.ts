/**
 * Access decisions over HTTP (real app, real Postgres): each decision appends to the hash-chained audit log,
 * whose writers are serialised by one advisory lock. Baseline in the same run: a plain catalog read
 * (GET /resources/{id}) with the same client, concurrency and database; and the same read with the per-process
 * memory rate limiter instead of the shared Postgres one. Prints figures; not a test.
 *   npm run bench:decisions [-- requests concurrency]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApp } from '../api/app';
import { createCalendarProvider } from '../core/calendar/provider';
import { loadConfig } from '../config';
import { migrateDeploy } from '../embedded/migrate';
import { freePort } from '../embedded/ports';
import { startEmbeddedPostgres } from '../embedded/postgres';
import { createDb } from '../prisma/client';
import { DEMO_CLIENTS, seedDemoClients, seedRegistry } from '../prisma/seed';

const REQUESTS = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const MZT = DEMO_CLIENTS[3].key;

async function run(base: string, label: string, make: (i: number) => RequestInit & { url: string }) {
  let next = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < REQUESTS; i = next++) {
        const { url, ...init } = make(i);
        const s = performance.now();
        const r = await fetch(`${base}${url}`, init);
        if (r.status !== 200) throw new Error(`${label}: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.floor(q * (latencies.length - 1))].toFixed(1);
  const rate = REQUESTS / seconds;
  console.log(
    `${label.padEnd(34)} ${rate.toFixed(0).padStart(6)} req/s   p50 ${p(0.5)} ms   p99 ${p(0.99)} ms`,
  );
  return rate;
}

async function main() {
  const dir = path.join(os.tmpdir(), `gxcase-bench-pg-${process.pid}`);
  const pg = await startEmbeddedPostgres({ dir, port: await freePort(), database: 'postgres' });
  try {
    await migrateDeploy(pg.url);
    const db = createDb(pg.url);
    await seedRegistry(db);
    await seedDemoClients(db);
    const config = {
      ...loadConfig({}),
      limits: { perClientPerMinute: 1_000_000, authFailuresPer15Min: 1_000_000 },
    };
    // decisions and catalog reads never touch Temporal
    const listen = async (store: 'postgres' | 'memory') => {
      const app = createApp({
        config: { ...config, limits: { ...config.limits, store } },
        db,
        temporal: {} as Client,
        calendars: createCalendarProvider(db),
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1` };
    };
    const { server, base } = await listen('postgres');
    const inMemory = await listen('memory');
    const headers = { Authorization: `Bearer ${MZT}`, 'Content-Type': 'application/json' };
    console.log(`${REQUESTS} requests per scenario, ${CONCURRENCY} concurrent, ${os.cpus().length} cores`);
    const readMemory = await run(inMemory.base, 'GET /resources/{id}, memory limiter', () => ({
      url: '/resources/SB-0003',
      headers,
    }));
    const read = await run(base, 'baseline: GET /resources/{id}', () => ({
      url: '/resources/SB-0003',
      headers,
    }));
    console.log(`shared (Postgres) limiter / memory limiter on reads: ${(read / readMemory).toFixed(2)}×`);
    const decide = await run(base, 'POST /access-decisions (logged)', (i) => ({
      url: '/access-decisions',
      method: 'POST',
      headers,
      body: JSON.stringify({ resource: i % 2 ? 'RK-0001' : 'SB-0003', purpose: '低保家庭收入核对' }),
    }));
    console.log(`decisions / baseline reads: ${(decide / read).toFixed(2)}×`);
    const rows = await db.auditLog.count({ where: { action: 'access_decision' } });
    console.log(`access_decision rows written: ${rows} (expected ${REQUESTS})`);
    server.close();
    inMemory.server.close();
    await db.$disconnect();
  } finally {
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
