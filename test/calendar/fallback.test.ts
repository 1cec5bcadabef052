import { fallbackHolidays } from '../../calendar/fallback';

const dates = (y: number) => fallbackHolidays(y).map((h) => h.date);

describe('fallback (date-holidays CN, public full-day holidays)', () => {
  test('excludes partial-day and group-specific observances', () => {
    const names = fallbackHolidays(2027).map((h) => h.name);
    for (const n of ['妇女节', '青年节', '儿童节', '建军节']) expect(names.join()).not.toContain(n);
    expect(dates(2027)).not.toEqual(
      expect.arrayContaining(['2027-03-08', '2027-05-04', '2027-06-01', '2027-08-01']),
    );
  });

  test('includes the statutory days, with 除夕–初三 and 5/2 from 2025 and 补假 for weekend holidays', () => {
    // 2027: 除夕 2/5 (Fri) … 初三 2/8; 初一 2/6 and 初二 2/7 fall on the weekend → 补假 2/9, 2/10.
    expect(dates(2027)).toEqual(
      expect.arrayContaining([
        '2027-01-01',
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
      ]),
    );
    expect(dates(2027)).toEqual(
      expect.arrayContaining(['2027-05-01', '2027-05-02', '2027-05-03', '2027-05-04']),
    );
    expect(dates(2027)).toEqual(
      expect.arrayContaining(['2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05']),
    );
    // 2026 statutory 春节 is 除夕 2/16 to 初三 2/19 (the official notice then widened it to 2/15–2/23).
    expect(dates(2026)).toEqual(
      expect.arrayContaining(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19']),
    );
    expect(dates(2026)).not.toContain('2026-02-15');
  });
});
