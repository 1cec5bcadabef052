import fc from 'fast-check';
import { addDays, officialCalendar } from './helpers';

const cal = officialCalendar();
const BASE = Date.parse('2018-01-01T00:00:00Z');
const SPAN = Math.round((Date.parse('2026-12-31T00:00:00Z') - BASE) / 86_400_000);

const dateArb = fc.integer({ min: 0, max: SPAN }).map((n) => addDays('2018-01-01', n));
const nArb = fc.integer({ min: 1, max: 366 });

/** Independent oracle: walk day by day with dayInfo. */
function naiveDeadline(from: string, n: number): { deadline: string; provisional: boolean } {
  let d = from;
  let k = 0;
  let provisional = false;
  while (k < n) {
    d = addDays(d, 1);
    const info = cal.dayInfo(d);
    provisional ||= info.provisional;
    if (info.working) k++;
  }
  return { deadline: d, provisional };
}

/** Shanghai calendar date of an epoch instant, via Intl (independent of the engine's arithmetic). */
const shanghaiDate = (ms: number) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);

describe('properties', () => {
  test('the deadline is a working day and exactly N working days lie in (from, deadline]', () => {
    fc.assert(
      fc.property(dateArb, nArb, (from, n) => {
        const { deadline } = cal.deadline(from, n);
        expect(cal.dayInfo(deadline).working).toBe(true);
        expect(cal.workingDaysBetween(from, deadline).workingDays).toBe(n);
        // …and it is the first such day.
        expect(cal.workingDaysBetween(from, addDays(deadline, -1)).workingDays).toBe(n - 1);
      }),
      { numRuns: 500 },
    );
  });

  test('matches a naive day-by-day count, including the provisional flag', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 60 }), (from, n) => {
        const r = cal.deadline(from, n);
        expect({ deadline: r.deadline, provisional: r.provisional }).toEqual(naiveDeadline(from, n));
      }),
      { numRuns: 300 },
    );
  });

  test('monotonic in from and strictly increasing in N', () => {
    fc.assert(
      fc.property(
        dateArb,
        fc.integer({ min: 0, max: 40 }),
        nArb,
        fc.integer({ min: 1, max: 30 }),
        (from, gap, n, dn) => {
          const later = addDays(from, gap);
          expect(cal.deadline(from, n).deadline <= cal.deadline(later, n).deadline).toBe(true);
          expect(
            cal.deadline(from, n).deadline < cal.deadline(from, Math.min(366, n + dn)).deadline ||
              n + dn > 366,
          ).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('an instant (any offset) gives the same answer as its Shanghai date', () => {
    const offsets = ['Z', '+08:00', '-08:00', '+05:30', '-03:00', '+14:00', '-12:00'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2018-01-02T00:00:00Z'), max: Date.parse('2026-12-30T00:00:00Z') }),
        fc.constantFrom(...offsets),
        fc.integer({ min: 1, max: 30 }),
        (ms, off, n) => {
          const mins =
            off === 'Z' ? 0 : (off[0] === '-' ? -1 : 1) * (+off.slice(1, 3) * 60 + +off.slice(4, 6));
          const local = new Date(ms + mins * 60_000).toISOString().slice(0, 19);
          const instant = `${local}${off}`;
          expect(Date.parse(instant)).toBe(Math.floor(ms / 1000) * 1000);
          expect(cal.deadline(instant, n)).toEqual(cal.deadline(shanghaiDate(ms), n));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('provisional exactly when (from, deadline] touches a fallback year', () => {
    const wide = fc.integer({ min: 0, max: 365 * 12 }).map((n) => addDays('2016-01-01', n));
    fc.assert(
      fc.property(wide, fc.integer({ min: 1, max: 120 }), (from, n) => {
        const r = cal.deadline(from, n);
        const years = new Set<number>();
        for (let d = addDays(from, 1); d <= r.deadline; d = addDays(d, 1)) years.add(Number(d.slice(0, 4)));
        const expected = [...years].some((y) => y < 2018 || y > 2026);
        expect(r.provisional).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
