/**
 * The preview's 与现行安排相比: the calendar in force against the one after the load, in runs of consecutive
 * days that change the same way, each side saying what the day really is. Real calendars (bundled data,
 * the provisional fallback); the 2027 arrangement is the MADE-UP test fixture.
 */
import type { YearArrangement } from '../../calendar/arrangement';
import { loadBundledCalendar, loadOfficialArrangements } from '../../calendar/bundled';
import { chineseDateRange, chineseDateWeekday } from '../../calendar/dates';
import { describeCurrent, diffCalendars } from '../../calendar/notice-import';
import { fixture2027 } from '../calendar-api/helpers';

const fallback = loadBundledCalendar();
const with2027 = (a: YearArrangement) => loadBundledCalendar({ extraArrangements: [a] });

test('first load of a year: against the provisional fallback, grouped, with working days gained or lost', () => {
  const changes = diffCalendars(fallback, with2027(fixture2027()), '2026-12-01', '2027-12-31');
  const spring = changes.filter((c) => c.from >= '2027-01-30' && c.to <= '2027-02-21');
  expect(spring).toEqual([
    {
      from: '2027-01-31',
      to: '2027-01-31',
      days: 1,
      before: '周日（休息）',
      after: '调休上班（春节）',
      workingDelta: 1,
    },
    // the fallback already rests 除夕 to 初三 (and the weekdays in lieu, 补假): only the rest changes
    {
      from: '2027-02-11',
      to: '2027-02-13',
      days: 3,
      before: '工作日 2 天、周末 1 天',
      after: '放假（春节）',
      workingDelta: -2,
    },
    {
      from: '2027-02-20',
      to: '2027-02-20',
      days: 1,
      before: '周六（休息）',
      after: '调休上班（春节）',
      workingDelta: 1,
    },
  ]);
  // the fixture has no 清明节: the fallback's provisional day off becomes a working day again
  expect(changes).toContainEqual({
    from: '2027-04-05',
    to: '2027-04-05',
    days: 1,
    before: '放假（清明节，暂定）',
    after: '工作日',
    workingDelta: 1,
  });
  // a weekend that becomes part of 元旦 is shown, though no working day changes
  expect(changes[0]).toEqual({
    from: '2027-01-02',
    to: '2027-01-03',
    days: 2,
    before: '周六、周日（休息）',
    after: '放假（元旦）',
    workingDelta: 0,
  });
});

test('a new version against a loaded one: only what moved; the same arrangement again: nothing', () => {
  const v1 = fixture2027();
  const v2: YearArrangement = {
    ...v1,
    holidays: v1.holidays.map((h) =>
      h.name === '春节'
        ? { ...h, restDays: h.restDays.filter((d) => d !== '2027-02-13'), workDays: ['2027-01-31'] }
        : h,
    ),
  };
  expect(diffCalendars(with2027(v1), with2027(v1), '2026-12-01', '2027-12-31')).toEqual([]);
  expect(diffCalendars(with2027(v1), with2027(v2), '2026-12-01', '2027-12-31')).toEqual([
    {
      from: '2027-02-13',
      to: '2027-02-13',
      days: 1,
      before: '放假（春节）',
      after: '周六（休息）',
      workingDelta: 0,
    },
    {
      from: '2027-02-20',
      to: '2027-02-20',
      days: 1,
      before: '调休上班（春节）',
      after: '周六（休息）',
      workingDelta: -1,
    },
  ]);
});

test('a bundled year loaded unchanged: no changes', () => {
  const a2026 = loadOfficialArrangements().find((a) => a.year === 2026) as YearArrangement;
  const loaded = loadBundledCalendar({ extraArrangements: [a2026] });
  expect(diffCalendars(fallback, loaded, '2025-12-01', '2026-12-31')).toEqual([]);
});

test('how the preview writes dates and what is in force', () => {
  expect(chineseDateRange('2027-02-05', '2027-02-13')).toBe('2027年2月5日—2月13日');
  expect(chineseDateRange('2026-12-31', '2027-01-02')).toBe('2026年12月31日—2027年1月2日');
  expect(chineseDateRange('2027-01-31', '2027-01-31')).toBe('2027年1月31日');
  expect(chineseDateWeekday('2027-01-31')).toBe('2027年1月31日（周日）');
  expect(describeCurrent('loaded', 3)).toBe('现行为已加载的第 3 版');
  expect(describeCurrent('none', null)).toContain('临时推算');
});
