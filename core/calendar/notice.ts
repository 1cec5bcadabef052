/**
 * Loading a year from the State Council's notice text (issue 16). The text is read by the pure importer
 * (calendar/notice-import) against the year's arrangement in force (a loaded version, else the bundled
 * official data), then handed to loadCalendarYear exactly as a JSON arrangement would be: the same dry
 * run (open cases whose deadlines would move), the same versioning and recompute signals.
 */
import type { YearArrangement } from '../../calendar/arrangement';
import { loadOfficialArrangements } from '../../calendar/bundled';
import {
  diffArrangements,
  importNotice,
  type DayChange,
  type ItemView,
  type NoticeError,
} from '../../calendar/notice-import';
import type { NoticeKind } from '../../calendar/notice-import/header';
import { DomainError } from '../errors';
import { checkYear, loadCalendarYear, type CalendarStoreDeps, type LoadCalendarYearResult } from './store';

export interface CalendarNoticeInput {
  year: unknown;
  text: unknown;
  /** 文号 / 成文日期 when the pasted reprint lacks them. */
  number?: string;
  date?: string;
  loadedBy: string;
  dryRun?: boolean;
}

export interface CalendarNoticeResult extends LoadCalendarYearResult {
  notice: {
    kind: NoticeKind;
    source: YearArrangement['source'];
    items: ItemView[];
    arrangement: YearArrangement;
    /** Where the arrangement in force came from: the DB, the bundled data, or none yet. */
    currentOrigin: 'loaded' | 'bundled' | 'none';
    /** Day by day, what differs from the arrangement in force. */
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
  const row = await deps.db.calendarYear.findFirst({ where: { year, supersededAt: null } });
  if (row) return { origin: 'loaded' as const, arrangement: row.arrangement as unknown as YearArrangement };
  const bundled = loadOfficialArrangements().find((a) => a.year === year);
  return bundled ? { origin: 'bundled' as const, arrangement: bundled } : { origin: 'none' as const };
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
  const loaded = await loadCalendarYear(deps, {
    year,
    arrangement: r.arrangement,
    loadedBy: input.loadedBy,
    dryRun: input.dryRun,
  });
  return {
    ...loaded,
    notice: {
      kind: r.kind,
      source: r.source,
      items: r.items,
      arrangement: r.arrangement,
      currentOrigin: current.origin,
      changes: diffArrangements(current.arrangement, r.arrangement),
    },
  };
}
