/**
 * Figure 3 (issue 15): reads from the read model at scale. Case rows are bulk-loaded into the topology's own
 * database (bench/bulk-cases.ts): first `readCases` of them, and GET /cases/{id} of random existing ids is timed
 * (p50/p99); then topped up to `listCases`, and the supervisors' lists are timed (p50/p95): overdue, due soon
 * (open, not yet overdue, due within 3 days) and overdue of one department. Requests go one at a time through
 * the topology's API (the balancer for the cluster) with the demo supervisor's key, after a warm-up. The SQL each
 * list sends is captured from the use-case itself (bench/read-plans.ts) and explained; the indexes added for
 * these lists are dropped in a rolled-back transaction to time the same SQL without them (before/after).
 * The API's rate limit (RATE_LIMIT_PER_MINUTE, 600 by default) must be raised for the topology: ~1,000 requests.
 *   npx tsx bench/figure-reads.ts [dev|cluster] [readCases] [listCases]   (standalone, prints the result)
 */
import { getCase, listCases, type CaseListQuery } from '../core/cases/queries';
import type { Actor } from '../core/actor';
import { createDb, type Db } from '../prisma/client';
import { DEMO_CLIENTS } from '../prisma/seed';
import { BULK_CLIENT, bulkLoadCases, ensureBenchDepartments } from './bulk-cases';
import type { Figure, FigureResult, Say } from './figure';
import {
  captureSql,
  explain,
  percentile,
  planSummary,
  sqlClient,
  timeSql,
  withoutIndexes,
  type CapturedSql,
} from './read-plans';
import { startTopology, type RunningTopology, type TopologyName } from './topology';

const GET_RUNS = 300;
const LIST_RUNS = 100;
const WARMUP = 10;
/** the indexes migration 20261210030000_case_read_indexes adds for these reads (before/after) */
export const READ_INDEXES = [
  'Case_overdue_dueAt_id_idx',
  'Case_overdue_status_dueAt_id_idx',
  'Case_parentCaseId_idx',
];

const supervisorActor: Actor = {
  clientId: 'bench',
  role: 'SUPERVISOR',
  departmentId: DEMO_CLIENTS[1].departmentId,
};

/** Wall times (ms) of GETs one at a time; every answer must be 200. */
async function timeGets(t: RunningTopology, paths: string[], warmup: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < paths.length; i++) {
    const s = performance.now();
    const res = await fetch(`${t.apiBase}${paths[i]}`, {
      headers: { Authorization: `Bearer ${t.keys.supervisor}` },
    });
    const body = await res.text();
    const took = performance.now() - s;
    if (res.status !== 200) {
      throw new Error(
        `GET ${paths[i]}: ${res.status} ${body.slice(0, 300)}` +
          (res.status === 429 ? ' (raise RATE_LIMIT_PER_MINUTE for the topology)' : ''),
      );
    }
    if (i >= warmup) ms.push(took);
  }
  return ms;
}

const repeat = (path: string, n: number) => Array.from({ length: n }, () => path);
const round = (x: number) => Math.round(x * 10) / 10;

/** The Beijing calendar day `days` after today, YYYY-MM-DD. */
const beijingDay = (days: number) =>
  new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

async function bulkRows(db: Db): Promise<number> {
  const [{ n }] = await db.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM "Case" WHERE "clientId" = '${BULK_CLIENT}'`,
  );
  return Number(n);
}

/** A department with a middling number of overdue cases (either party): neither the busiest nor an empty one. */
async function middlingDepartment(db: Db): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ d: string }[]>(`
    SELECT d FROM (
      SELECT "responsibleDepartmentId" d FROM "Case" WHERE overdue
      UNION ALL SELECT "requesterDepartmentId" FROM "Case" WHERE overdue AND "requesterDepartmentId" IS NOT NULL
    ) x GROUP BY d ORDER BY count(*) DESC, d`);
  return rows[Math.floor(rows.length / 2)].d;
}

interface ListSpec {
  key: 'overdue' | 'dueSoon' | 'deptOverdue';
  query: CaseListQuery;
}

const toPath = (q: CaseListQuery) =>
  `/cases?${new URLSearchParams(
    Object.entries(q).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString()}`;

export const figureReads: Figure = async (t, sizes, say): Promise<FigureResult> => {
  const db = createDb(t.databaseUrl);
  const c = await sqlClient(t.databaseUrl);
  const values: FigureResult['values'] = {};
  const notes: string[] = [];
  try {
    await ensureBenchDepartments(db);
    const had = await bulkRows(db);
    const first = await bulkLoadCases(t.databaseUrl, had, Math.max(had, sizes.readCases));
    say(`read model: ${first.inserted} cases loaded in ${first.seconds.toFixed(1)} s`);

    // GET /cases/{id}: random existing bulk ids, each once
    const ids = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM "Case" WHERE "clientId" = '${BULK_CLIENT}' ORDER BY random() LIMIT ${GET_RUNS + WARMUP}`,
    );
    const gets = await timeGets(
      t,
      ids.map((r) => `/cases/${r.id}`),
      WARMUP,
    );
    Object.assign(values, {
      readCases: Math.max(had, sizes.readCases),
      getP50Ms: round(percentile(gets, 0.5)),
      getP99Ms: round(percentile(gets, 0.99)),
    });
    const getSql = await captureSql(
      t.databaseUrl,
      (spy) => getCase({ db: spy }, supervisorActor, ids[0].id),
      // the chain (rootCaseId, parentCaseId, parent id): the one query of a GET not by primary key
      (s) => /FROM "public"\."Case"/.test(s) && /WHERE[\s\S]*"parentCaseId" =/.test(s),
    );
    if (getSql[0]) await measureSql(c, 'getChain', getSql[0], values);
    // the floor: an authenticated GET that reads no case (auth, rate limit, JSON) on the same path
    const floor = await timeGets(t, repeat('/me', 100 + WARMUP), WARMUP);
    values.baselineMeP50Ms = round(percentile(floor, 0.5));
    say(
      `GET case p50 ${values.getP50Ms} ms, p99 ${values.getP99Ms} ms (GET /me p50 ${values.baselineMeP50Ms} ms)`,
    );

    const loaded = Math.max(had, sizes.readCases);
    const second = await bulkLoadCases(t.databaseUrl, loaded, Math.max(loaded, sizes.listCases));
    Object.assign(values, {
      listCases: Math.max(loaded, sizes.listCases),
      loadSeconds: round(first.seconds + second.seconds),
      loadRowsPerSecond: Math.round(
        (first.inserted + second.inserted) / (first.seconds + second.seconds || 1),
      ),
      openCases: second.open,
      overdueCases: second.overdue,
    });
    say(`read model topped up to ${values.listCases} cases (+${second.seconds.toFixed(1)} s)`);

    const dept = await middlingDepartment(db);
    values.department = dept;
    const specs: ListSpec[] = [
      { key: 'overdue', query: { overdue: true, limit: 50 } },
      { key: 'dueSoon', query: { status: 'OPEN', overdue: false, dueBefore: beijingDay(4), limit: 50 } },
      { key: 'deptOverdue', query: { overdue: true, department: dept, limit: 50 } },
    ];
    for (const { key, query } of specs) {
      const ms = await timeGets(t, repeat(toPath(query), LIST_RUNS + WARMUP), WARMUP);
      values[`${key}P50Ms`] = round(percentile(ms, 0.5));
      values[`${key}P95Ms`] = round(percentile(ms, 0.95));
      const [sql] = await captureSql(
        t.databaseUrl,
        (spy) => listCases({ db: spy }, supervisorActor, query),
        (s) => /FROM "public"\."Case"/.test(s) && /ORDER BY/.test(s),
      );
      await measureSql(c, key, sql, values);
      say(
        `${key}: p50 ${values[`${key}P50Ms`]} ms, p95 ${values[`${key}P95Ms`]} ms; ${values[`${key}Plan`]}`,
      );
    }
  } finally {
    await c.end();
    await db.$disconnect();
  }
  const met =
    Number(values.getP99Ms) <= 20 &&
    ['overdue', 'dueSoon', 'deptOverdue'].every((k) => Number(values[`${k}P95Ms`]) <= 100) &&
    ['overdue', 'dueSoon', 'deptOverdue'].every((k) => !/SEQ SCAN/.test(String(values[`${k}Plan`])));
  notes.push(
    `${GET_RUNS} GETs and ${LIST_RUNS} of each list, one at a time after ${WARMUP} warm-up requests, ` +
      `as the demo supervisor (region: sees all); list SQL times (…SqlP95Ms) are the query alone over one ` +
      `connection, …WithoutIndex with ${READ_INDEXES.join(', ')} dropped in a rolled-back transaction`,
  );
  return {
    figure: '3 reads',
    values,
    goal: {
      text: 'GET case p99 ≤ 20 ms with readCases cases; overdue and due-soon lists p95 ≤ 100 ms with listCases, plans on indexes',
      met,
    },
    limitedBy: `overdue list: ${values.overduePlan}; due soon: ${values.dueSoonPlan}; department: ${values.deptOverduePlan}`,
    notes,
  };
};

/** The list's SQL explained and timed, with and without the indexes added for it. */
async function measureSql(
  c: Awaited<ReturnType<typeof sqlClient>>,
  key: string,
  sql: CapturedSql,
  values: FigureResult['values'],
): Promise<void> {
  const plan = await explain(c, sql);
  values[`${key}Plan`] = planSummary(plan);
  values[`${key}SqlP95Ms`] = round(percentile(await timeSql(c, sql, 20), 0.95));
  await withoutIndexes(c, READ_INDEXES, async () => {
    const before = await explain(c, sql);
    values[`${key}PlanWithoutIndex`] = planSummary(before);
    values[`${key}SqlP95MsWithoutIndex`] = round(percentile(await timeSql(c, sql, 20), 0.95));
  });
}

/** Standalone: start one topology, run the figure, print it, stop. */
async function main(): Promise<void> {
  const [name = 'dev', readCases = '100000', listCasesN = '1000000'] = process.argv.slice(2);
  process.env.RATE_LIMIT_PER_MINUTE ??= '1000000';
  const say: Say = (m) => console.error(`[reads ${name}] ${m}`);
  const t = await startTopology(name as TopologyName, say);
  try {
    const sizes = {
      starts: 0,
      lifecycle: 0,
      readCases: +readCases,
      listCases: +listCasesN,
      timers: 0,
      mails: 0,
      concurrency: 1,
    };
    console.log(JSON.stringify(await figureReads(t, sizes, say), null, 2));
  } finally {
    await t.stop();
  }
}

if (process.argv[1]?.endsWith('figure-reads.ts')) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
