import { WorkingDayCalendar } from '../../calendar/engine';
import { CalendarInputError } from '../../calendar/errors';
import { loadOfficialArrangements } from '../../calendar/bundled';
import { FAKE_2027, officialCalendar } from './helpers';

const cal = officialCalendar();
const dl = (from: string, n: number) => cal.deadline(from, n).deadline;

describe('known deadlines', () => {
  test('2026 Spring Festival: 9 days off, make-up Saturdays 2/14 and 2/28 count', () => {
    expect(dl('2026-02-12', 10)).toBe('2026-03-04');
    expect(dl('2026-02-13', 1)).toBe('2026-02-14');
    expect(dl('2026-02-14', 1)).toBe('2026-02-24');
    expect(dl('2026-02-20', 1)).toBe('2026-02-24');
    expect(dl('2026-02-20', 5)).toBe('2026-02-28');
    expect(dl('2026-02-20', 6)).toBe('2026-03-02');
  });

  test('2026 National Day: 10/1–10/7 off, make-up 9/20 (Sun) and 10/10 (Sat) count', () => {
    expect(dl('2026-09-18', 1)).toBe('2026-09-20');
    expect(dl('2026-09-30', 1)).toBe('2026-10-08');
    expect(dl('2026-09-30', 3)).toBe('2026-10-10');
    expect(dl('2026-09-30', 4)).toBe('2026-10-12');
    // Mid-Autumn 9/25–9/27 sits between: received 9/24, day 1 is 9/28.
    expect(dl('2026-09-24', 1)).toBe('2026-09-28');
  });

  test('2019 Labour Day as amended by 国办发明电〔2019〕3号 (5/1–5/4, make-up 4/28 and 5/5)', () => {
    expect(dl('2019-04-26', 1)).toBe('2019-04-28');
    expect(dl('2019-04-30', 1)).toBe('2019-05-05');
    expect(dl('2019-04-30', 2)).toBe('2019-05-06');
    expect(cal.dayInfo('2019-05-02')).toMatchObject({
      working: false,
      reason: 'holiday',
      holidayName: '劳动节',
    });
  });

  test('2020 Spring Festival extended to 2/2 by 国办发明电〔2020〕1号; the 2/1 make-up day lapsed', () => {
    expect(dl('2020-01-23', 1)).toBe('2020-02-03');
    expect(dl('2020-01-17', 2)).toBe('2020-01-20'); // 1/19 (Sun) remains a make-up day
    expect(dl('2020-01-17', 1)).toBe('2020-01-19');
    expect(cal.dayInfo('2020-02-01')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.dayInfo('2020-01-31').working).toBe(false);
  });

  test('2024 Spring Festival 2/10–2/17, make-up 2/4 and 2/18; 除夕 2/9 only "encouraged" off', () => {
    expect(dl('2024-02-02', 1)).toBe('2024-02-04');
    expect(dl('2024-02-08', 1)).toBe('2024-02-09');
    expect(dl('2024-02-08', 2)).toBe('2024-02-18');
    expect(dl('2024-02-08', 3)).toBe('2024-02-19');
  });

  test('2019 元旦 block from the 2019 notice reaches into December 2018', () => {
    expect(dl('2018-12-28', 1)).toBe('2018-12-29');
    expect(dl('2018-12-28', 2)).toBe('2019-01-02');
    expect(cal.dayInfo('2018-12-29')).toMatchObject({
      working: true,
      reason: 'makeup_workday',
      provisional: false,
    });
  });

  test('dueAt is the exclusive end instant: next day 00:00 +08:00', () => {
    expect(cal.deadline('2026-02-12', 10)).toEqual({
      deadline: '2026-03-04',
      dueAt: '2026-03-05T00:00:00+08:00',
      provisional: false,
      calendarVersion: cal.calendarVersion,
    });
  });

  test('same rule whether received on a working day or not', () => {
    // Saturday 3/7 and Sunday 3/8: day 1 is Monday 3/9, as for Friday 3/6 + 1.
    expect(dl('2026-03-06', 1)).toBe('2026-03-09');
    expect(dl('2026-03-07', 1)).toBe('2026-03-09');
    expect(dl('2026-03-08', 1)).toBe('2026-03-09');
    expect(dl('2026-03-09', 1)).toBe('2026-03-10');
  });

  test('an instant is read as its Asia/Shanghai date', () => {
    expect(dl('2026-02-12T16:30:00Z', 10)).toBe(dl('2026-02-13', 10));
    expect(dl('2026-02-12T15:59:59Z', 10)).toBe(dl('2026-02-12', 10));
    expect(dl('2026-02-13T00:30:00+08:00', 10)).toBe(dl('2026-02-13', 10));
    expect(dl('2026-02-12T08:30:00-08:00', 10)).toBe(dl('2026-02-13', 10));
  });
});

describe('day info', () => {
  test('every official 2026 make-up day is a working day', () => {
    for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']) {
      expect(cal.dayInfo(d)).toMatchObject({ working: true, reason: 'makeup_workday', provisional: false });
    }
  });

  test('reasons', () => {
    expect(cal.dayInfo('2026-03-04')).toEqual({
      date: '2026-03-04',
      working: true,
      reason: 'workday',
      provisional: false,
    });
    expect(cal.dayInfo('2026-03-07')).toMatchObject({ working: false, reason: 'weekend' });
    expect(cal.dayInfo('2026-02-23')).toMatchObject({
      working: false,
      reason: 'holiday',
      holidayName: '春节',
    });
  });
});

describe('provisional years', () => {
  test('2027 comes from the fallback and is provisional', () => {
    expect(cal.fallbackYears).toContain(2027);
    expect(cal.dayInfo('2027-03-01').provisional).toBe(true);
    expect(cal.deadline('2026-12-28', 10).provisional).toBe(true);
    expect(cal.deadline('2026-12-01', 5).provisional).toBe(false);
    // Receipt day itself is not in (from, deadline]: a receipt on 12/31 with the deadline in 2027 is provisional.
    expect(cal.deadline('2026-12-31', 1)).toMatchObject({ deadline: '2027-01-04', provisional: true });
  });

  test('a calendar built with a 2027 arrangement makes 2027 official', () => {
    const with2027 = new WorkingDayCalendar({ arrangements: [...loadOfficialArrangements(), FAKE_2027] });
    expect(with2027.dayInfo('2027-03-01').provisional).toBe(false);
    expect(with2027.deadline('2026-12-28', 10).provisional).toBe(false);
    expect(with2027.dayInfo('2027-02-20')).toMatchObject({ working: true, reason: 'makeup_workday' });
    expect(with2027.calendarVersion).toMatch(/^official:2018-2027#[0-9a-f]{8}$/);
    expect(with2027.calendarVersion).not.toBe(cal.calendarVersion);
  });
});

describe('calendarVersion', () => {
  test('stable for the same data and sensitive to a change', () => {
    expect(officialCalendar().calendarVersion).toBe(cal.calendarVersion);
    expect(cal.calendarVersion).toMatch(/^official:2018-2026#[0-9a-f]{8}$/);
    const arr = loadOfficialArrangements().map((a) => structuredClone(a));
    arr[8].holidays[0].workDays = [];
    expect(new WorkingDayCalendar({ arrangements: arr }).calendarVersion).not.toBe(cal.calendarVersion);
    expect(cal.officialYears).toEqual([2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
  });
});

describe('regional rest days', () => {
  test('take precedence and are skipped', () => {
    const r = new WorkingDayCalendar({
      arrangements: loadOfficialArrangements(),
      regionalRestDays: [{ date: '2026-03-09', name: '测试地区休息日' }],
    });
    expect(r.dayInfo('2026-03-09')).toMatchObject({
      working: false,
      reason: 'regional_rest',
      holidayName: '测试地区休息日',
    });
    expect(r.deadline('2026-03-06', 1).deadline).toBe('2026-03-10');
    expect(r.calendarVersion).toMatch(/\+regional:1#/);
  });
});

describe('workingDaysBetween and explain', () => {
  test('between counts (from, to]', () => {
    expect(cal.workingDaysBetween('2026-02-12', '2026-03-04')).toEqual({
      workingDays: 10,
      provisional: false,
    });
    expect(cal.workingDaysBetween('2026-02-12', '2026-02-12').workingDays).toBe(0);
    expect(cal.workingDaysBetween('2026-12-30', '2027-01-05').provisional).toBe(true);
  });

  test('explain lists the receipt day and each day with its reason', () => {
    const ex = cal.explain('2026-02-12', 10);
    expect(ex[0]).toMatchObject({ date: '2026-02-12', counted: false, reason: 'receipt' });
    expect(ex.at(-1)).toMatchObject({ date: '2026-03-04', counted: true, workingDay: 10 });
    expect(ex.filter((e) => e.counted)).toHaveLength(10);
    expect(ex.find((e) => e.date === '2026-02-14')).toMatchObject({
      counted: true,
      reason: 'makeup_workday',
      label: expect.stringContaining('调休上班'),
    });
    expect(ex.find((e) => e.date === '2026-02-16')).toMatchObject({
      counted: false,
      reason: 'holiday',
      label: expect.stringContaining('春节'),
    });
    expect(ex.find((e) => e.date === '2026-03-01')).toMatchObject({
      counted: false,
      reason: 'weekend',
      label: expect.stringContaining('周末'),
    });
    expect(ex.map((e) => e.date)).toHaveLength(21);
    const prov = cal.explain('2026-12-30', 3);
    expect(prov.at(-1)).toMatchObject({ provisional: true, label: expect.stringContaining('临时') });
  });

  test('nthWorkingDayEnd gives reminder instants', () => {
    expect(cal.nthWorkingDayEnd('2026-02-12', 5)).toEqual({
      date: '2026-02-26',
      endsAt: '2026-02-27T00:00:00+08:00',
      provisional: false,
    });
  });
});

describe('bad input', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CalendarInputError);
      return (e as CalendarInputError).code;
    }
    throw new Error('did not throw');
  };
  test('codes', () => {
    expect(code(() => cal.deadline('2026-02-30', 1))).toBe('invalid_date');
    expect(code(() => cal.deadline('20260212', 1))).toBe('invalid_date');
    expect(code(() => cal.deadline('2026-02-12T10:00:00', 1))).toBe('invalid_instant'); // no offset
    expect(code(() => cal.deadline('2026-02-12T25:00:00Z', 1))).toBe('invalid_instant');
    expect(code(() => cal.deadline('2014-12-31', 1))).toBe('out_of_range');
    expect(code(() => cal.deadline('2040-12-30', 5))).toBe('out_of_range');
    expect(code(() => cal.deadline('2026-02-12', 0))).toBe('invalid_working_days');
    expect(code(() => cal.deadline('2026-02-12', 1.5))).toBe('invalid_working_days');
    expect(code(() => cal.workingDaysBetween('2026-02-12', '2026-02-11'))).toBe('invalid_range');
    const e = (() => {
      try {
        cal.dayInfo('xx');
      } catch (err) {
        return err as CalendarInputError;
      }
    })();
    expect(e?.detail).toMatch(/[\u4e00-\u9fff]/);
    expect(e?.field).toBe('date');
  });

  test('conflicting statements in two notices are refused', () => {
    const arr = loadOfficialArrangements().map((a) => structuredClone(a));
    // 2018 claims 2018-12-29 is a rest day while the 2019 notice makes it a make-up day.
    arr[0].holidays.push({ name: '测试冲突', restDays: ['2018-12-28', '2018-12-29'], workDays: [] });
    expect(code(() => new WorkingDayCalendar({ arrangements: arr }))).toBe('arrangement_conflict');
  });

  test('invalid or duplicate arrangements are refused', () => {
    const arr = loadOfficialArrangements();
    expect(code(() => new WorkingDayCalendar({ arrangements: [...arr, arr[0]] }))).toBe(
      'duplicate_arrangement',
    );
    const bad = structuredClone(arr[8]);
    bad.holidays[0].workDays = ['2026-01-05'];
    expect(code(() => new WorkingDayCalendar({ arrangements: [bad] }))).toBe('invalid_arrangement');
  });
});

describe('process time zone does not matter', () => {
  const saved = process.env.TZ;
  afterAll(() => {
    process.env.TZ = saved;
  });
  test.each(['UTC', 'America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati'])('TZ=%s', (tz) => {
    process.env.TZ = tz;
    const c = officialCalendar();
    expect(c.deadline('2026-02-12T16:30:00Z', 10)).toEqual(cal.deadline('2026-02-13', 10));
    expect(c.deadline('2026-02-12', 10)).toEqual(cal.deadline('2026-02-12', 10));
    expect(c.dayInfo('2026-02-14')).toEqual(cal.dayInfo('2026-02-14'));
  });
});
