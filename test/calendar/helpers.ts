import type { YearArrangement } from '../../calendar/arrangement';
import { loadOfficialArrangements } from '../../calendar/bundled';
import { WorkingDayCalendar } from '../../calendar/engine';

export function officialCalendar(): WorkingDayCalendar {
  return new WorkingDayCalendar({ arrangements: loadOfficialArrangements() });
}

/** Shifts a 'YYYY-MM-DD' by n calendar days (UTC arithmetic, TZ-independent). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * A made-up 2027 arrangement, for tests only (the real notice is not published yet). It stands for
 * "an administrator loaded 2027"; its dates are not a claim about the real 2027 notice.
 */
export const FAKE_2027: YearArrangement = {
  year: 2027,
  source: {
    title: '（测试用假设数据）国务院办公厅关于2027年部分节假日安排的通知',
    number: '测试〔2026〕1号',
    date: '2026-11-01',
  },
  holidays: [
    { name: '元旦', restDays: range('2027-01-01', '2027-01-03'), workDays: [] },
    { name: '春节', restDays: range('2027-02-05', '2027-02-12'), workDays: ['2027-02-20'] },
  ],
};
