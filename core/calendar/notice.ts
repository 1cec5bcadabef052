/**
 * Loading a year from the State Council's notice text (issue 16). The text is read by the pure importer
 * (calendar/notice-import) against the year's arrangement in force (a loaded version, else the bundled
 * official data), then handed to loadCalendarYear exactly as a JSON arrangement would be: the same dry
 * run (open cases whose deadlines would move), the same versioning and recompute signals.
 */
import type { YearArrangement } from '../../calendar/arrangement';
import { loadBundledCalendar, loadOfficialArrangements } from '../../calendar/bundled';
import { CalendarInputError } from '../../calendar/errors';
import {
  diffCalendars,
  importNotice,
  type DayChange,
  type ItemView,
  type NoticeError,
} from '../../calendar/notice-import';
import type { NoticeKind } from '../../calendar/notice-import/header';
import { DomainError } from '../errors';
import {
  checkYear,
  loadCalendarYear,
  type CalendarStoreDeps,
  type ExpectedVersion,
  type LoadCalendarYearResult,
} from './store';

export interface CalendarNoticeInput {
  year: unknown;
  text: unknown;
  /** 文号 / 成文日期 when the pasted reprint lacks them. */
  number?: string;
  date?: string;
  loadedBy: string;
  dryRun?: boolean;
  /** The version the preview was made against (its previousVersion, or 'none'); see loadCalendarYear. */
  expectedVersion?: ExpectedVersion;
}

export interface CalendarNoticeResult extends LoadCalendarYearResult {
  notice: {
    kind: NoticeKind;
    source: YearArrangement['source'];
    items: ItemView[];
    arrangement: YearArrangement;
    /** Where the arrangement in force came from: the DB, the bundled data, or none yet. */
    currentOrigin: 'loaded' | 'bundled' | 'none';
    /** What differs from the calendar in force, in runs of consecutive days (default profile). */
    changes: DayChange[];
  };
}

/** Bounded so a pasted novel is refused before it is parsed. */
const MAX_TEXT = 20_000;

/** The per-sentence problems of a refused notice travel in the DomainError's `extra.noticeErrors`. */
export function noticeErrorsOf(e: DomainError): NoticeError[] | undefined {
  const list = e.extra.noticeErrors;
  return Array.isArray(list) ? (list as NoticeError[]) : undefined;
}

async function currentArrangement(deps: CalendarStoreDeps, year: number) {
  const rows = await deps.db.calendarYear.findMany({ where: { supersededAt: null } });
  const loaded = rows.map((r) => r.arrangement as unknown as YearArrangement);
  const row = loaded.find((a) => a.year === year);
  if (row) return { origin: 'loaded' as const, arrangement: row, loaded };
  const bundled = loadOfficialArrangements().find((a) => a.year === year);
  return bundled
    ? { origin: 'bundled' as const, arrangement: bundled, loaded }
    : { origin: 'none' as const, loaded };
}

/**
 * The calendar in force against the calendar after the load, from 1 December of the year before (a 元旦
 * block may start there) to the year's end. An arrangement that contradicts a neighbouring year is refused.
 */
function dayChanges(loaded: YearArrangement[], next: YearArrangement): DayChange[] {
  try {
    const before = loadBundledCalendar({ extraArrangements: loaded });
    const after = loadBundledCalendar({
      extraArrangements: loaded.filter((a) => a.year !== next.year).concat([next]),
    });
    return diffCalendars(before, after, `${next.year - 1}-12-01`, `${next.year}-12-31`);
  } catch (e) {
    if (e instanceof CalendarInputError) throw new DomainError('invalid', e.code, e.detail);
    throw e;
  }
}

export async function loadCalendarNotice(
  deps: CalendarStoreDeps,
  input: CalendarNoticeInput,
): Promise<CalendarNoticeResult> {
  const year = checkYear(input.year);
  if (typeof input.text !== 'string' || input.text.trim().length === 0)
    throw new DomainError('invalid', 'notice_empty', '请粘贴通知全文（含标题、各项安排和落款日期）');
  if (input.text.length > MAX_TEXT)
    throw new DomainError(
      'invalid',
      'notice_too_long',
      `通知文本过长（${input.text.length} 字），上限 ${MAX_TEXT} 字`,
    );
  const current = await currentArrangement(deps, year);
  const r = importNotice(input.text, {
    year,
    base: current.arrangement,
    number: input.number,
    date: input.date,
  });
  if (!r.ok) {
    const list = r.errors
      .slice(0, 3)
      .map((e) => e.message)
      .join('；');
    throw new DomainError(
      'invalid',
      'invalid_notice',
      `无法按通知加载 ${year} 年节假日安排：${list}${r.errors.length > 3 ? `；等共 ${r.errors.length} 处` : ''}`,
      { noticeErrors: r.errors },
    );
  }
  const changes = dayChanges(current.loaded, r.arrangement);
  const loaded = await loadCalendarYear(deps, {
    year,
    arrangement: r.arrangement,
    loadedBy: input.loadedBy,
    dryRun: input.dryRun,
    expectedVersion: input.expectedVersion,
  });
  return {
    ...loaded,
    notice: {
      kind: r.kind,
      source: r.source,
      items: r.items,
      arrangement: r.arrangement,
      currentOrigin: current.origin,
      changes,
    },
  };
}
