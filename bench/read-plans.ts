/**
 * The SQL behind a read use-case, and what Postgres does with it: the use-case runs once in process on a Prisma
 * client that logs its queries, and the list query it sent is explained (ANALYZE, BUFFERS) and timed as is.
 * "Without an index" is measured in a transaction that drops the index and rolls back (DDL is transactional in
 * Postgres), so the same rows and the same run give the before and after. The DROP holds an exclusive lock on
 * the table until the rollback: nothing else may read cases meanwhile, so figures run one at a time.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';
import { PrismaClient, type Db } from '../prisma/client';

export interface CapturedSql {
  text: string;
  values: unknown[];
}

export interface Plan {
  /** indexes the plan reads, in order of appearance */
  indexes: string[];
  seqScan: boolean;
  executionMs: number;
  lines: string[];
}

/** Runs `use` against a client that records every SQL statement; returns those matching `pick`. */
export async function captureSql(
  databaseUrl: string,
  use: (db: Db) => Promise<unknown>,
  pick: (sql: string) => boolean,
): Promise<CapturedSql[]> {
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }),
    log: [{ emit: 'event', level: 'query' }],
  });
  const seen: CapturedSql[] = [];
  db.$on('query', (e) => {
    if (pick(e.query)) seen.push({ text: e.query, values: JSON.parse(e.params) as unknown[] });
  });
  try {
    await use(db);
  } finally {
    await db.$disconnect();
  }
  return seen;
}

/** A plain pg connection to the topology's database. */
export async function sqlClient(databaseUrl: string): Promise<Client> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  return c;
}

export async function explain(c: Client, sql: CapturedSql): Promise<Plan> {
  const res = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
  const lines = res.rows.map((r) => r['QUERY PLAN']);
  // "Index Scan using X on …", "Index Only Scan using X on …", "Bitmap Index Scan on X"
  const indexes = lines
    .map((l) => /Index (?:Only )?Scan using (\S+)|Bitmap Index Scan on (\S+)/.exec(l))
    .flatMap((m) => (m ? [(m[1] ?? m[2]).replace(/"/g, '')] : []));
  return {
    indexes: [...new Set(indexes)],
    seqScan: lines.some((l) => /Seq Scan on "?Case"?/.test(l)),
    executionMs: Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN),
    lines,
  };
}

/** Wall times (ms) of `runs` executions of the statement, after `warmup` untimed ones. */
export async function timeSql(c: Client, sql: CapturedSql, runs: number, warmup = 3): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const s = performance.now();
    await c.query(sql.text, sql.values);
    if (i >= warmup) ms.push(performance.now() - s);
  }
  return ms;
}

/** `measure` with the named indexes dropped, all undone afterwards. */
export async function withoutIndexes<T>(c: Client, names: string[], measure: () => Promise<T>): Promise<T> {
  await c.query('BEGIN');
  try {
    for (const n of names) await c.query(`DROP INDEX IF EXISTS "${n.replace(/"/g, '')}"`);
    return await measure();
  } finally {
    await c.query('ROLLBACK');
  }
}

/** The p-th percentile (0..1) of a sample, nearest rank. */
export function percentile(sample: number[], p: number): number {
  const s = [...sample].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

/** One line for a report: "Index Scan using X" / "Seq Scan" with its execution time. */
export function planSummary(p: Plan): string {
  const how = p.seqScan ? 'SEQ SCAN on Case' : `indexes ${p.indexes.join(', ') || '(none)'}`;
  return `${how}; ${p.executionMs.toFixed(1)} ms`;
}
