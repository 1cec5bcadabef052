/**
 * The supervisors' queues (督办): 逾期案件 (open cases whose deadline has passed) and 即将到期 (open cases due
 * within N working days). Both read the Postgres read model only, paged by a (time, id) keyset over indexes that
 * serve each filter (migration 20261130030000): no OFFSET, no count of the table. Working days overdue or left
 * are counted on the case's own profile calendar (official holidays and make-up working days), not calendar days.
 *
 * Overdue means open and `dueAt` passed, as the workflow records it at that instant: a case is listed even while
 * a stalled worker has not yet written its `overdue` flag.
 */
import { Prisma, type Db } from '../../prisma/client';
import { codeOfDbEnum, PROCEDURES, type ProcedureCode, type Stage } from '../../procedures';
import { beijingDay } from '../../calendar/dates';
import { listProfiles, DEFAULT_PROFILE_ID } from '../../calendar/profiles';
import type { DeadlineCalculator } from '../../calendar/schedule';
import type { Actor } from '../actor';
import type { CalendarProvider } from '../calendar/provider';
import { DomainError } from '../errors';
import { decodeTimeCursor, encodeCursor } from '../paging';
import { currentStaffWhere } from '../registry/staff';
import { caseScopeSql, departmentInScope, scopeOf, type Scope } from '../supervision-scope';

export type CaseListKind = 'overdue' | 'due-soon';
export const CASE_LIST_SORTS = ['deadline', 'deadline_desc', 'received'] as const;
export type CaseListSort = (typeof CASE_LIST_SORTS)[number];
export const DEPARTMENT_LEVELS = ['REGION', 'LEAGUE_CITY', 'BANNER_COUNTY'] as const;
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

export const PAGE_SIZE = 50;
/** An export holds at most this many rows; the file says so when the filter matches more. */
export const EXPORT_CAP = 50_000;
export const DEFAULT_WITHIN = 3;
export const MAX_WITHIN = 10;

export interface CaseListFilter {
  kind: CaseListKind;
  /** the responsible department */
  department?: string;
  procedure?: ProcedureCode;
  /** level (自治区/盟市/旗县) of the responsible department */
  level?: DepartmentLevel;
  /** deadline on or after this Beijing day (YYYY-MM-DD) */
  from?: string;
  /** deadline on or before this Beijing day */
  to?: string;
  sort: CaseListSort;
  /** 即将到期: deadline within this many working days (1–10) */
  within: number;
}

export interface CaseListDeps {
  db: Db;
  calendars: CalendarProvider;
  now?: () => Date;
}

export interface CaseListItem {
  id: string;
  procedure: ProcedureCode;
  stage: Stage;
  requester: { id: string; name: string } | null;
  responsible: { id: string; name: string; level: DepartmentLevel | null };
  /** names of the responsible department's 专人 in post now; empty is a 第二十七条 gap */
  staff: string[];
  /** YYYY-MM-DD, Beijing */
  deadline: string;
  /** the deadline falls in a year whose official calendar is not loaded */
  provisional: boolean;
  /** working days overdue (逾期) or left (即将到期) on the case's profile calendar */
  workingDays: number;
  receivedAt: Date;
  dueAt: Date;
}

export interface DepartmentOption {
  id: string;
  name: string;
  level: DepartmentLevel;
}

export interface CaseListResult {
  filter: CaseListFilter;
  /** the instant the list was read, and its Beijing day */
  asOf: Date;
  today: string;
  items: CaseListItem[];
  nextCursor: string | null;
  /** for the department filter */
  departments: DepartmentOption[];
  /** department users see only cases their department is party to */
  ownDepartmentOnly: boolean;
  /** a 盟市 (or 旗县) supervisor sees only cases its departments are party to (第十条): its department */
  supervisedFrom: { id: string; name: string } | null;
}

export interface CaseListExport {
  filter: CaseListFilter;
  asOf: Date;
  today: string;
  items: CaseListItem[];
  /** more rows matched than EXPORT_CAP */
  truncated: boolean;
  cap: number;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const invalid = (detail: string) => new DomainError('invalid', 'invalid_filter', detail);

/** 00:00 Beijing of the day */
const startOfDay = (day: string): Date => new Date(`${day}T00:00:00+08:00`);
const nextDay = (day: string): Date => new Date(startOfDay(day).getTime() + 86_400_000);

function isRealDay(day: string): boolean {
  if (!DAY_RE.test(day)) return false;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** The rules a filter must meet whoever built it (the page parses the query; this guards the use-case). */
export function checkFilter(f: CaseListFilter): void {
  if (f.kind !== 'overdue' && f.kind !== 'due-soon') throw invalid('未知的列表');
  if (!CASE_LIST_SORTS.includes(f.sort)) throw invalid('排序方式无效');
  if (!Number.isInteger(f.within) || f.within < 1 || f.within > MAX_WITHIN)
    throw invalid(`到期范围须为 1 至 ${MAX_WITHIN} 个工作日`);
  if (f.procedure && !(f.procedure in PROCEDURES)) throw invalid('程序无效');
  if (f.level && !DEPARTMENT_LEVELS.includes(f.level)) throw invalid('层级无效');
  for (const [name, v] of [
    ['起始日期', f.from],
    ['截止日期', f.to],
  ] as const) {
    if (v !== undefined && !isRealDay(v)) throw invalid(`${name}须为有效日期 (年-月-日)`);
  }
  if (f.from && f.to && f.from > f.to) throw invalid('起始日期晚于结束日期');
}

interface Row {
  id: string;
  procedure: string;
  stage: string;
  requesterDepartmentId: string | null;
  responsibleDepartmentId: string;
  deadlineDate: string;
  dueAt: Date;
  receivedAt: Date;
  provisional: boolean;
  profileId: string;
}

/** One calendar per profile for the request (each lookup reads the loaded years once). */
function calendarCache(calendars: CalendarProvider) {
  const cache = new Map<string, Promise<DeadlineCalculator>>();
  return (profileId: string): Promise<DeadlineCalculator> => {
    let c = cache.get(profileId);
    if (!c) {
      c = calendars.forProfile(profileId).then((p) => p.calendar);
      cache.set(profileId, c);
    }
    return c;
  };
}

/**
 * The WHERE clause of a queue: who may see what, the queue itself, the filters. For 即将到期 the last
 * deadline within N working days is computed per profile (each has its own rest days).
 */
async function whereOf(
  scope: Scope,
  f: CaseListFilter,
  now: Date,
  today: string,
  calendarOf: (profileId: string) => Promise<DeadlineCalculator>,
): Promise<Prisma.Sql[]> {
  // a P6 rectification report under review waits on the supervisor, not the department: neither late nor due
  const conds: Prisma.Sql[] = [Prisma.sql`c.status = 'OPEN'`, Prisma.sql`c.stage <> 'under_review'`];
  if (scope !== 'all') conds.push(caseScopeSql(scope));
  if (f.kind === 'overdue') {
    conds.push(Prisma.sql`c."dueAt" <= ${now}`);
  } else {
    const profiles = listProfiles().map((p) => p.id);
    const bounds = await Promise.all(
      profiles.map(async (id) => {
        const cal = await calendarOf(id);
        return { id, dueAt: new Date(cal.deadline(today, f.within).dueAt) };
      }),
    );
    const latest = new Date(Math.max(...bounds.map((b) => b.dueAt.getTime())));
    conds.push(Prisma.sql`c."dueAt" > ${now}`, Prisma.sql`c."dueAt" <= ${latest}`);
    if (bounds.some((b) => b.dueAt.getTime() !== latest.getTime())) {
      const fallback = bounds.find((b) => b.id === DEFAULT_PROFILE_ID)?.dueAt ?? latest;
      conds.push(
        Prisma.sql`(${Prisma.join(
          [
            ...bounds.map((b) => Prisma.sql`(c."profileId" = ${b.id} AND c."dueAt" <= ${b.dueAt})`),
            Prisma.sql`(c."profileId" NOT IN (${Prisma.join(profiles)}) AND c."dueAt" <= ${fallback})`,
          ],
          ' OR ',
        )})`,
      );
    }
  }
  if (f.department) conds.push(Prisma.sql`c."responsibleDepartmentId" = ${f.department}`);
  if (f.procedure) conds.push(Prisma.sql`c.procedure = ${PROCEDURES[f.procedure].dbEnum}::"Procedure"`);
  if (f.level) {
    conds.push(
      Prisma.sql`c."responsibleDepartmentId" IN (SELECT d.id FROM "Department" d WHERE d.level = ${f.level}::"DepartmentLevel")`,
    );
  }
  // the deadline is 24:00 of deadlineDate: the day range is also a dueAt range, which the indexes serve
  if (f.from)
    conds.push(Prisma.sql`c."dueAt" > ${startOfDay(f.from)}`, Prisma.sql`c."deadlineDate" >= ${f.from}`);
  if (f.to) conds.push(Prisma.sql`c."dueAt" <= ${nextDay(f.to)}`, Prisma.sql`c."deadlineDate" <= ${f.to}`);
  return conds;
}

const SORT_COLUMN: Record<CaseListSort, { column: Prisma.Sql; desc: boolean; key: keyof Row }> = {
  deadline: { column: Prisma.sql`c."dueAt"`, desc: false, key: 'dueAt' },
  deadline_desc: { column: Prisma.sql`c."dueAt"`, desc: true, key: 'dueAt' },
  received: { column: Prisma.sql`c."receivedAt"`, desc: false, key: 'receivedAt' },
};

async function queryRows(
  db: Db,
  conds: Prisma.Sql[],
  sort: CaseListSort,
  cursor: string | undefined,
  take: number,
): Promise<Row[]> {
  const s = SORT_COLUMN[sort];
  const all = [...conds];
  if (cursor) {
    const { at, id } = decodeTimeCursor(cursor);
    all.push(
      s.desc
        ? Prisma.sql`(${s.column}, c.id) < (${at}, ${id})`
        : Prisma.sql`(${s.column}, c.id) > (${at}, ${id})`,
    );
  }
  const order = s.desc ? Prisma.sql`${s.column} DESC, c.id DESC` : Prisma.sql`${s.column}, c.id`;
  return db.$queryRaw<Row[]>`
    SELECT c.id, c.procedure::text AS procedure, c.stage::text AS stage, c."requesterDepartmentId",
           c."responsibleDepartmentId", c."deadlineDate", c."dueAt", c."receivedAt", c.provisional, c."profileId"
    FROM "Case" c
    WHERE ${Prisma.join(all, ' AND ')}
    ORDER BY ${order}
    LIMIT ${take}`;
}

/** Names, levels and 专人 in post for the rows, and working days on each case's calendar. */
async function itemsOf(
  deps: CaseListDeps,
  rows: Row[],
  f: CaseListFilter,
  now: Date,
  today: string,
  departments: DepartmentOption[],
  calendarOf: (profileId: string) => Promise<DeadlineCalculator>,
): Promise<CaseListItem[]> {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const responsibleIds = [...new Set(rows.map((r) => r.responsibleDepartmentId))];
  const [staff, calendars] = await Promise.all([
    responsibleIds.length === 0
      ? Promise.resolve([])
      : deps.db.staff.findMany({
          where: { departmentId: { in: responsibleIds }, ...currentStaffWhere(now) },
          select: { departmentId: true, name: true },
          orderBy: [{ activeFrom: 'asc' }, { id: 'asc' }],
        }),
    Promise.all(
      [...new Set(rows.map((r) => r.profileId))].map(async (p) => [p, await calendarOf(p)] as const),
    ).then((pairs) => new Map(pairs)),
  ]);
  const staffOf = new Map<string, string[]>();
  for (const s of staff) staffOf.set(s.departmentId, [...(staffOf.get(s.departmentId) ?? []), s.name]);
  return rows.map((r) => {
    const cal = calendars.get(r.profileId) as DeadlineCalculator;
    let workingDays = 0;
    if (f.kind === 'overdue' && r.deadlineDate < today) {
      workingDays = cal.workingDaysBetween(r.deadlineDate, today).workingDays;
    } else if (f.kind === 'due-soon' && r.deadlineDate > today) {
      workingDays = cal.workingDaysBetween(today, r.deadlineDate).workingDays;
    }
    const requester = r.requesterDepartmentId;
    const responsible = byId.get(r.responsibleDepartmentId);
    return {
      id: r.id,
      procedure: codeOfDbEnum(r.procedure) as ProcedureCode,
      stage: r.stage as Stage,
      requester: requester ? { id: requester, name: byId.get(requester)?.name ?? requester } : null,
      responsible: {
        id: r.responsibleDepartmentId,
        name: responsible?.name ?? r.responsibleDepartmentId,
        level: responsible?.level ?? null,
      },
      staff: staffOf.get(r.responsibleDepartmentId) ?? [],
      deadline: r.deadlineDate,
      provisional: r.provisional,
      workingDays,
      receivedAt: r.receivedAt,
      dueAt: r.dueAt,
    };
  });
}

const listDepartments = (db: Db): Promise<DepartmentOption[]> =>
  db.department.findMany({
    select: { id: true, name: true, level: true },
    orderBy: [{ level: 'asc' }, { id: 'asc' }],
  });

async function read(
  deps: CaseListDeps,
  actor: Actor,
  f: CaseListFilter,
  cursor: string | undefined,
  take: number,
) {
  checkFilter(f);
  const now = deps.now?.() ?? new Date();
  const today = beijingDay(now);
  const calendarOf = calendarCache(deps.calendars);
  const scope = await scopeOf(deps.db, actor);
  const conds = await whereOf(scope, f, now, today, calendarOf);
  // the default profile's calendar is loaded alongside (nearly every case uses it)
  const [rows, departments] = await Promise.all([
    queryRows(deps.db, conds, f.sort, cursor, take),
    listDepartments(deps.db),
    calendarOf(DEFAULT_PROFILE_ID),
  ]);
  return { now, today, rows, departments, calendarOf, scope };
}

/** One page (50) of a queue, with the department list for the filter. */
export async function listCaseQueue(
  deps: CaseListDeps,
  actor: Actor,
  filter: CaseListFilter,
  cursor?: string,
): Promise<CaseListResult> {
  const { now, today, rows, departments, calendarOf, scope } = await read(
    deps,
    actor,
    filter,
    cursor,
    PAGE_SIZE + 1,
  );
  const supervised = actor.role === 'SUPERVISOR' && scope !== 'all';
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  const key = SORT_COLUMN[filter.sort].key;
  return {
    filter,
    asOf: now,
    today,
    items: await itemsOf(deps, page, filter, now, today, departments, calendarOf),
    nextCursor:
      rows.length > PAGE_SIZE && last ? encodeCursor([(last[key] as Date).toISOString(), last.id]) : null,
    // a department filters its own cases by any responsible department; a 盟市 supervisor by its own ones
    departments: supervised ? departments.filter((d) => departmentInScope(scope, d.id)) : departments,
    ownDepartmentOnly: actor.role === 'DEPARTMENT',
    supervisedFrom: supervised ? (departments.find((d) => d.id === actor.departmentId) ?? null) : null,
  };
}

/** Every row of the filter (all pages) up to EXPORT_CAP, for CSV and .xlsx. */
export async function exportCaseQueue(
  deps: CaseListDeps,
  actor: Actor,
  filter: CaseListFilter,
  cap: number = EXPORT_CAP,
): Promise<CaseListExport> {
  const { now, today, rows, departments, calendarOf } = await read(deps, actor, filter, undefined, cap + 1);
  const kept = rows.slice(0, cap);
  return {
    filter,
    asOf: now,
    today,
    items: await itemsOf(deps, kept, filter, now, today, departments, calendarOf),
    truncated: rows.length > cap,
    cap,
  };
}
