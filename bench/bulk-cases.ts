/**
 * Case rows straight into the read model by generate_series, for the benchmarks that need a big projection
 * (bench/overdue-page.ts, the read figure bench/figure-reads.ts). 12 盟市 and 5 旗县 under each (most with a
 * 专人), then cases: about 5% open and overdue, 35% open and not yet due, 60% closed, departments skewed towards
 * the big 自治区 ones, procedures P1 50% / P2 15% / P3 5% / P4 20% / P5 10%. One INSERT … SELECT, then ANALYZE.
 * Rows are numbered: loading 1..n and then n+1..m tops a table up. Their ids (e.g. GX-2026-900000000042) are
 * beyond any counter the app allocates from, so cases started later never collide, and clientId BULK_CLIENT
 * marks them. No workflow stands behind them: they are for reading only.
 */
import { Client } from 'pg';
import type { Db } from '../prisma/client';

export const BULK_CLIENT = 'bench-bulk';
/** from this many rows at once, the secondary indexes are built after the insert instead of kept during it */
const REBUILD_FROM = 100_000;

/** 12 盟市 and 5 旗县 under each, most with a 专人; a second call adds nothing. */
export async function ensureBenchDepartments(db: Db): Promise<void> {
  await db.$executeRawUnsafe(`
    INSERT INTO "Department" (id, name, level)
    SELECT 'BM-' || lpad(m::text, 2, '0'), '第' || m || '盟市人民政府', 'LEAGUE_CITY'
    FROM generate_series(1, 12) m
    ON CONFLICT (id) DO NOTHING`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Department" (id, name, level, "parentId")
    SELECT 'BM-' || lpad(m::text, 2, '0') || '-' || lpad(q::text, 2, '0'),
           '第' || m || '盟市第' || q || '旗县人民政府', 'BANNER_COUNTY', 'BM-' || lpad(m::text, 2, '0')
    FROM generate_series(1, 12) m, generate_series(1, 5) q
    ON CONFLICT (id) DO NOTHING`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Staff" (id, "departmentId", name, email, "activeFrom")
    SELECT gen_random_uuid()::text, d.id, '专人' || right(d.id, 5), lower(d.id) || '@bench.example',
           now() - interval '1 year'
    FROM "Department" d
    WHERE d.id LIKE 'BM-%' AND right(d.id, 1) <> '3'
      AND NOT EXISTS (SELECT 1 FROM "Staff" s WHERE s."departmentId" = d.id)`);
}

export interface BulkLoad {
  inserted: number;
  seconds: number;
  /** of all rows in Case after the load */
  open: number;
  overdue: number;
}

/**
 * Case rows numbered from+1 .. to (the departments must exist: ensureBenchDepartments), then ANALYZE. The same
 * numbers give the same rows (the random sequence is seeded by `from`). Over a plain connection of its own: a
 * million rows take minutes, beyond any Prisma transaction timeout, and setseed needs the insert's session.
 */
export async function bulkLoadCases(databaseUrl: string, from: number, to: number): Promise<BulkLoad> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const depts = (await c.query<{ id: string }>(`SELECT id FROM "Department" ORDER BY level, id`)).rows.map(
      (d) => d.id,
    );
    const t0 = performance.now();
    if (to > from) {
      await c.query(`SELECT setseed(${((from % 1000) / 1000 - 0.5).toFixed(3)})`);
      // Keeping ~20 indexes current row by row made a million rows take 4–5 minutes; building them once after
      // the insert is the usual bulk-load order. The definitions come from the catalog, so the same indexes return.
      const rebuild = to - from >= REBUILD_FROM;
      const indexes = rebuild
        ? (
            await c.query<{ name: string; def: string }>(
              `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
               WHERE i.schemaname = 'public' AND i.tablename = 'Case'
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
            )
          ).rows
        : [];
      await c.query('BEGIN');
      for (const ix of indexes) await c.query(`DROP INDEX "${ix.name}"`);
      await c.query(insertSql(depts, from, to));
      await c.query(`SET LOCAL maintenance_work_mem = '256MB'`);
      for (const ix of indexes) await c.query(ix.def);
      await c.query('COMMIT');
      await c.query('ANALYZE "Case"');
    }
    const seconds = (performance.now() - t0) / 1000;
    const [{ open, overdue }] = (
      await c.query<{ open: string; overdue: string }>(
        `SELECT count(*) FILTER (WHERE status = 'OPEN') AS open,
                count(*) FILTER (WHERE status = 'OPEN' AND overdue) AS overdue
         FROM "Case"`,
      )
    ).rows;
    return { inserted: Math.max(0, to - from), seconds, open: Number(open), overdue: Number(overdue) };
  } finally {
    await c.end();
  }
}

// r1: responsible (skewed to the first, 自治区, departments), r2: requester and day spread, r3: procedure,
// r4: state. D is the deadline day in Beijing; dueAt is 24:00 Beijing of D, stored as UTC.
function insertSql(depts: string[], from: number, to: number): string {
  return `
    WITH params AS (
      SELECT ARRAY[${depts.map((d) => `'${d.replace(/'/g, "''")}'`).join(',')}]::text[] AS depts,
             (now() AT TIME ZONE 'Asia/Shanghai')::date AS today
    ),
    s AS (
      SELECT g, random() r1, random() r2, random() r3, random() r4 FROM generate_series(${from + 1}, ${to}) g
    ),
    t AS (
      SELECT g, r1, r2,
        CASE WHEN r3 < 0.50 THEN 'P1' WHEN r3 < 0.65 THEN 'P2' WHEN r3 < 0.70 THEN 'P3'
             WHEN r3 < 0.90 THEN 'P4' ELSE 'P5' END AS p,
        CASE WHEN r4 < 0.05 THEN 'overdue' WHEN r4 < 0.40 THEN 'open' ELSE 'closed' END AS state
      FROM s
    ),
    u AS (
      SELECT t.*, params.depts,
        CASE state
          WHEN 'overdue' THEN params.today - (1 + floor(r2 * 120))::int
          WHEN 'open' THEN params.today + floor(r2 * 20)::int
          ELSE params.today - (1 + floor(r2 * 2500))::int
        END AS d
      FROM t, params
    )
    INSERT INTO "Case" (id, procedure, status, stage, outcome, "requesterDepartmentId", "responsibleDepartmentId",
      "rootCaseId", "clientId", "receivedAt", "workingDays", "deadlineDate", "dueAt", provisional,
      "calendarVersion", "profileId", overdue, "overdueAt", "answeredAt", "answeredLate", "closedAt",
      "createdAt", "updatedAt")
    SELECT
      id, proc::"Procedure",
      (CASE WHEN state = 'closed' THEN 'CLOSED' ELSE 'OPEN' END)::"CaseStatus",
      (CASE WHEN state <> 'closed' THEN 'awaiting_answer'
            ELSE (ARRAY['approved','agreed','decided','answered','updated'])[pi] END)::"CaseStage",
      (CASE WHEN state <> 'closed' THEN NULL
            ELSE (ARRAY['approved','agreed','approved','corrected','catalog_updated'])[pi] END)::"CaseOutcome",
      CASE WHEN p = 'P5' THEN NULL ELSE depts[1 + floor(r2 * array_length(depts, 1))::int] END,
      depts[1 + floor(power(r1, 2.5) * array_length(depts, 1))::int],
      id, '${BULK_CLIENT}', received, 10, to_char(d, 'YYYY-MM-DD'), due, d >= DATE '2027-01-01',
      'official:2018-2026', 'nmg-2018',
      state = 'overdue', CASE WHEN state = 'overdue' THEN due END,
      CASE WHEN state = 'closed' THEN received + interval '6 days' END, false,
      CASE WHEN state = 'closed' THEN received + interval '6 days' END, received, received
    FROM (
      SELECT u.*,
        (ARRAY['GX','XS','XT','JH','ML'])[substr(p, 2)::int] || '-' || extract(year FROM d) || '-'
          || (900000000000 + g)::text AS id,
        (ARRAY['P1_CONDITIONAL_REQUEST','P2_NEGOTIATION','P3_COORDINATION','P4_VERIFICATION',
               'P5_CATALOG_UPDATE'])[substr(p, 2)::int] AS proc,
        substr(p, 2)::int AS pi,
        ((d + 1)::timestamp - interval '8 hours') AS due,
        ((d - 14)::timestamp + interval '1 hour') AS received
      FROM u
    ) v
    -- in due order: most indexes lead with a few values and then dueAt, so each insert lands on a page just
    -- written rather than anywhere in the index
    ORDER BY due, id`;
}
