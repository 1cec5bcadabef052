/**
 * Calendar years an administrator loads into Postgres (model CalendarYear). Each load is a new version
 * of its year; the previous one is marked superseded and stays readable. Loading or withdrawing a year
 * tells every open case it could affect to recompute its deadline and timers (calendarChangedSignal).
 */
import type { Client } from '@temporalio/client';
import { isUniqueViolation } from '../db-errors';
import { Prisma, type Db } from '../../prisma/client';
import { appendAudit } from '../../audit/log';
import { validateArrangement, type FieldError, type YearArrangement } from '../../calendar/arrangement';
import { loadBundledCalendar } from '../../calendar/bundled';
import { diffDeadlines, type DeadlineDiff, type OpenCase } from '../../calendar/diff';
import { RANGE_FIRST, RANGE_LAST, type WorkingDayCalendar } from '../../calendar/engine';
import { chineseDateTime } from '../../calendar/dates';
import { CalendarInputError } from '../../calendar/errors';
import { DomainError } from '../errors';
import { deliverRecomputeSignals, queueRecomputeSignals } from './recompute-signals';

/** The per-field problems of a refused arrangement travel in the DomainError's `extra.fieldErrors`. */
export function fieldErrorsOf(e: DomainError): FieldError[] | undefined {
  const list = e.extra.fieldErrors;
  return Array.isArray(list) ? (list as FieldError[]) : undefined;
}

export interface CalendarSource {
  calendarFor?(profileId: string): Promise<WorkingDayCalendar>;
}

export interface CalendarStoreDeps {
  db: Db;
  temporal?: Pick<Client, 'workflow'>;
  calendars?: CalendarSource | unknown;
}

type Tx = Db | Prisma.TransactionClient;

const FIRST_YEAR = Number(RANGE_FIRST.slice(0, 4));
const LAST_YEAR = Number(RANGE_LAST.slice(0, 4));

export function checkYear(value: unknown): number {
  const n = typeof value === 'string' && /^\d{4}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < FIRST_YEAR || n > LAST_YEAR) {
    throw new DomainError(
      'invalid',
      'invalid_year',
      `年份必须是 ${FIRST_YEAR} 到 ${LAST_YEAR} 之间的四位整数，收到：${String(value)}`,
    );
  }
  return n;
}

/** Current (not superseded) loaded arrangements. */
async function currentRows(db: Tx) {
  return db.calendarYear.findMany({ where: { supersededAt: null }, orderBy: { year: 'asc' } });
}

/**
 * Open cases whose (receivedAt, dueAt] touches `year`. The window starts on 1 December of the year
 * before, since a year's 元旦 block may begin in the previous December.
 */
async function openCasesTouching(db: Tx, year: number) {
  const start = new Date(`${year - 1}-12-01T00:00:00+08:00`);
  const end = new Date(`${year + 1}-01-01T00:00:00+08:00`);
  return db.case.findMany({
    where: { status: 'OPEN', receivedAt: { lt: end }, dueAt: { gt: start } },
    select: { id: true, receivedAt: true, workingDays: true, deadlineDate: true, profileId: true },
    orderBy: { id: 'asc' },
  });
}

export interface CaseEffect {
  caseId: string;
  oldDeadline: string;
  newDeadline: string;
  shiftDays: number;
  oldProvisional: boolean;
  newProvisional: boolean;
}

export interface CalendarEffect {
  checked: number;
  /** Deadline moves (shiftDays != 0) or only its provisional flag changes. */
  affected: CaseEffect[];
  moved: number;
  provisionalChanged: number;
  storedMismatch: DeadlineDiff['storedMismatch'];
  errors: DeadlineDiff['errors'];
}

/** Old calendar (current loaded set) vs new one (`year` replaced by `next`, or withdrawn when null). */
async function computeEffect(db: Tx, year: number, next: YearArrangement | null): Promise<CalendarEffect> {
  const rows = await currentRows(db);
  const oldExtra = rows.map((r) => r.arrangement as unknown as YearArrangement);
  const newExtra = oldExtra.filter((a) => a.year !== year).concat(next ? [next] : []);
  const cases = await openCasesTouching(db, year);
  const byProfile = new Map<string, OpenCase[]>();
  for (const c of cases) {
    const list = byProfile.get(c.profileId) ?? [];
    list.push({
      caseId: c.id,
      from: c.receivedAt.toISOString(),
      workingDays: c.workingDays,
      currentDeadline: c.deadlineDate,
    });
    byProfile.set(c.profileId, list);
  }
  const out: CalendarEffect = {
    checked: cases.length,
    affected: [],
    moved: 0,
    provisionalChanged: 0,
    storedMismatch: [],
    errors: [],
  };
  for (const [profileId, list] of byProfile) {
    let oldCal: WorkingDayCalendar;
    let newCal: WorkingDayCalendar;
    try {
      oldCal = loadBundledCalendar({ profileId, extraArrangements: oldExtra });
      newCal = loadBundledCalendar({ profileId, extraArrangements: newExtra });
    } catch (e) {
      if (!(e instanceof CalendarInputError)) throw e;
      for (const c of list) out.errors.push({ caseId: c.caseId, code: e.code, detail: e.detail });
      continue;
    }
    const d = diffDeadlines(oldCal, newCal, list);
    for (const m of d.moved) {
      out.affected.push({
        caseId: m.caseId,
        oldDeadline: m.oldDeadline,
        newDeadline: m.newDeadline,
        shiftDays: m.shiftDays,
        oldProvisional: m.oldProvisional,
        newProvisional: m.newProvisional,
      });
    }
    for (const p of d.provisionalChanged) {
      out.affected.push({
        caseId: p.caseId,
        oldDeadline: p.deadline,
        newDeadline: p.deadline,
        shiftDays: 0,
        oldProvisional: p.oldProvisional,
        newProvisional: p.newProvisional,
      });
    }
    out.moved += d.moved.length;
    out.provisionalChanged += d.provisionalChanged.length;
    out.storedMismatch.push(...d.storedMismatch);
    out.errors.push(...d.errors);
  }
  out.affected.sort((a, b) => a.caseId.localeCompare(b.caseId));
  return out;
}

function arrangementErrors(year: number, errors: FieldError[]): DomainError {
  const list = errors
    .slice(0, 5)
    .map((e) => `${e.path || '(请求体)'}：${e.message}`)
    .join('；');
  return new DomainError(
    'invalid',
    'invalid_arrangement',
    `${year} 年节假日安排无效：${list}${errors.length > 5 ? `；等共 ${errors.length} 处` : ''}`,
    { fieldErrors: errors },
  );
}

/** The version a preview was made against: a version number, or 'none' when no loaded version was in force. */
export type ExpectedVersion = number | 'none';

/** Reads an expected version from a form field, query parameter or CLI option ('none' or digits). */
export function parseExpectedVersion(value: unknown): ExpectedVersion | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === 'none') return 'none';
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1) return n;
  throw new DomainError(
    'invalid',
    'invalid_expected_version',
    `预期版本（expectedVersion，命令行 --expected-version）应为预览时的现行版本号（正整数）或 none（当时没有已加载的版本），收到：${String(value)}`,
  );
}

export interface LoadCalendarYearInput {
  year: number;
  arrangement: unknown;
  loadedBy: string;
  dryRun?: boolean;
  /**
   * The version in force when the administrator previewed (the dry run's previousVersion, or 'none'). When
   * given, the load is refused if another load or a withdrawal changed the year since: no lost update.
   */
  expectedVersion?: ExpectedVersion;
}

type YearRow = { version: number; loadedBy: string; loadedAt: Date; supersededAt: Date | null };

const versionText = (v: ExpectedVersion) => (v === 'none' ? '没有已加载的版本' : `现行为第 ${v} 版`);

/** Who loaded a version, as people read it (loadedBy is `user:<登录名>`, `cli:<姓名>` or an API client id). */
export function loaderText(loadedBy: string): string {
  if (loadedBy.startsWith('user:')) return `${loadedBy.slice(5)}（工作台）`;
  if (loadedBy.startsWith('cli:')) return `${loadedBy.slice(4)}（命令行）`;
  return `接口客户端 ${loadedBy}`;
}

/** Refuses when the year's version in force is not the one the preview was made against. */
async function checkExpectedVersion(
  db: Tx,
  year: number,
  expected: ExpectedVersion | undefined,
  current: YearRow | null,
): Promise<void> {
  if (expected === undefined) return;
  const actual: ExpectedVersion = current?.version ?? 'none';
  if (actual === expected) return;
  let what: string;
  if (current) {
    what = `${loaderText(current.loadedBy)} 已于 ${chineseDateTime(current.loadedAt)} 加载了第 ${current.version} 版`;
  } else {
    // no version in force although the preview saw one: it was withdrawn since
    const last = await db.calendarYear.findFirst({ where: { year }, orderBy: { version: 'desc' } });
    what = last?.supersededAt
      ? `第 ${last.version} 版已于 ${chineseDateTime(last.supersededAt)} 被撤销`
      : '该年的安排已被撤销';
  }
  throw new DomainError(
    'conflict',
    'calendar_version_changed',
    `预览之后 ${year} 年的节假日安排已有变化：${what}（预览时${versionText(expected)}）。未作任何更改，请重新预览、核对后再确认。`,
    { year, expectedVersion: expected, currentVersion: actual },
  );
}

export interface LoadCalendarYearResult {
  year: number;
  dryRun: boolean;
  /** The version this load created (or would create). */
  version: number;
  previousVersion: number | null;
  sourceNumber: string;
  effect: CalendarEffect;
  signalled: string[];
  signalNotFound: string[];
  signalFailed: { caseId: string; error: string }[];
}

/** Serialises writers of one year (version numbers, superseding). */
async function lockYear(tx: Prisma.TransactionClient, year: number): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(727275, ${year}::int)`;
}

export async function loadCalendarYear(
  deps: CalendarStoreDeps,
  input: LoadCalendarYearInput,
): Promise<LoadCalendarYearResult> {
  const year = checkYear(input.year);
  const v = validateArrangement(input.arrangement, year);
  if (!v.ok) throw arrangementErrors(year, v.errors);
  const arrangement = v.value;
  const dryRun = input.dryRun === true;

  if (dryRun) {
    const effect = await computeEffect(deps.db, year, arrangement);
    const last = await deps.db.calendarYear.findFirst({ where: { year }, orderBy: { version: 'desc' } });
    const current = await deps.db.calendarYear.findFirst({ where: { year, supersededAt: null } });
    await checkExpectedVersion(deps.db, year, input.expectedVersion, current);
    return {
      year,
      dryRun,
      version: (last?.version ?? 0) + 1,
      previousVersion: current?.version ?? null,
      sourceNumber: arrangement.source.number,
      effect,
      signalled: [],
      signalNotFound: [],
      signalFailed: [],
    };
  }

  let written: {
    version: number;
    previousVersion: number | null;
    effect: CalendarEffect;
    signals: string[];
  };
  try {
    written = await deps.db.$transaction(async (tx) => {
      await lockYear(tx, year);
      const last = await tx.calendarYear.findFirst({ where: { year }, orderBy: { version: 'desc' } });
      const current = await tx.calendarYear.findFirst({ where: { year, supersededAt: null } });
      // under the year's lock: two confirms of the same preview cannot both pass
      await checkExpectedVersion(tx, year, input.expectedVersion, current);
      const effect = await computeEffect(tx, year, arrangement);
      const version = (last?.version ?? 0) + 1;
      const now = new Date();
      await tx.calendarYear.updateMany({ where: { year, supersededAt: null }, data: { supersededAt: now } });
      await tx.calendarYear.create({
        data: {
          year,
          version,
          arrangement: arrangement as unknown as Prisma.InputJsonValue,
          sourceNumber: arrangement.source.number,
          loadedBy: input.loadedBy,
          loadedAt: now,
        },
      });
      await appendAudit(tx, {
        actor: input.loadedBy,
        action: 'calendar_year_loaded',
        target: `calendar:${year}`,
        data: {
          year,
          version,
          previousVersion: current?.version ?? null,
          sourceNumber: arrangement.source.number,
          checked: effect.checked,
          moved: effect.affected
            .filter((a) => a.shiftDays !== 0)
            .map((a) => ({ caseId: a.caseId, from: a.oldDeadline, to: a.newDeadline })),
          provisionalChanged: effect.affected.filter((a) => a.shiftDays === 0).map((a) => a.caseId),
        },
      });
      const toSignal = new Set(effect.affected.map((a) => a.caseId));
      for (const m of effect.storedMismatch) toSignal.add(m.caseId);
      // committed with the version: a signal that cannot be sent now is retried, never lost
      await queueRecomputeSignals(
        tx,
        [...toSignal].sort(),
        `calendar ${year} v${version} loaded (${arrangement.source.number})`,
      );
      return { version, previousVersion: current?.version ?? null, effect, signals: [...toSignal].sort() };
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new DomainError('conflict', 'calendar_year_conflict', `${year} 年日历正被并发修改，请重试`);
    throw e;
  }

  const s = await deliverRecomputeSignals(deps, written.signals);
  return {
    year,
    dryRun,
    version: written.version,
    previousVersion: written.previousVersion,
    sourceNumber: arrangement.source.number,
    effect: written.effect,
    signalled: s.signalled,
    signalNotFound: s.notFound,
    signalFailed: s.failed,
  };
}

export interface DeleteCalendarYearResult {
  year: number;
  supersededVersion: number;
}

/**
 * Withdraws the loaded year (the bundled official data or the provisional fallback applies again).
 * Refused while an open case's period touches the year: its deadline would silently change.
 */
export async function deleteCalendarYear(
  deps: CalendarStoreDeps,
  input: { year: number; deletedBy: string },
): Promise<DeleteCalendarYearResult> {
  const year = checkYear(input.year);
  return deps.db.$transaction(async (tx) => {
    await lockYear(tx, year);
    const current = await tx.calendarYear.findFirst({ where: { year, supersededAt: null } });
    if (!current)
      throw new DomainError('not_found', 'calendar_year_not_loaded', `${year} 年没有已加载的节假日安排`);
    const cases = await openCasesTouching(tx, year);
    if (cases.length > 0) {
      throw new DomainError(
        'conflict',
        'calendar_year_in_use',
        `有 ${cases.length} 件未结案件的期限涉及 ${year} 年，不能撤销该年的节假日安排`,
        { caseIds: cases.slice(0, 50).map((c) => c.id), openCases: cases.length },
      );
    }
    await tx.calendarYear.update({ where: { id: current.id }, data: { supersededAt: new Date() } });
    await appendAudit(tx, {
      actor: input.deletedBy,
      action: 'calendar_year_withdrawn',
      target: `calendar:${year}`,
      data: { year, version: current.version, sourceNumber: current.sourceNumber },
    });
    return { year, supersededVersion: current.version };
  });
}
