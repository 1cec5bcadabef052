/** The rules behind the supervisors' figures (issue 12), pure: traffic light, rankings, Beijing months. */
import {
  beijingDay,
  beijingMonthStart,
  byLight,
  byRank,
  histogramStats,
  lastMonths,
  onTimeRate,
  trafficLight,
} from '../../core/oversight/lights';

describe('亮灯 (traffic light)', () => {
  test('green with nothing overdue, yellow when overdue, red beyond the grace period', () => {
    expect(trafficLight({ overdue: 0, overdueBeyondGrace: 0, overdueRectifications: 0 })).toBe('green');
    expect(trafficLight({ overdue: 3, overdueBeyondGrace: 0, overdueRectifications: 0 })).toBe('yellow');
    expect(trafficLight({ overdue: 3, overdueBeyondGrace: 1, overdueRectifications: 0 })).toBe('red');
  });

  test('an overdue rectification notice (P6) alone makes it red', () => {
    expect(trafficLight({ overdue: 0, overdueBeyondGrace: 0, overdueRectifications: 1 })).toBe('red');
  });

  test('red before yellow before green; the longest overdue first within a colour', () => {
    const d = (id: string, light: 'red' | 'yellow' | 'green', max: number | null, overdue = 1) => ({
      id,
      light,
      overdue,
      maxOverdueWorkingDays: max,
    });
    const sorted = [
      d('A', 'green', null, 0),
      d('B', 'yellow', 2),
      d('C', 'red', 7),
      d('D', 'red', 12),
      d('E', 'yellow', 4),
    ].sort(byLight);
    expect(sorted.map((x) => x.id)).toEqual(['D', 'C', 'E', 'B', 'A']);
  });
});

describe('statistics ranking', () => {
  test('on-time rate first, then fewer overdue; nothing answered ranks last', () => {
    const d = (id: string, onTimeRate: number | null, overdue: number) => ({ id, onTimeRate, overdue });
    const sorted = [d('A', null, 0), d('B', 0.5, 3), d('C', 0.9, 2), d('D', 0.5, 1), d('E', 0, 0)].sort(
      byRank,
    );
    expect(sorted.map((x) => x.id)).toEqual(['C', 'D', 'B', 'E', 'A']);
  });

  test('the rate is undefined, not 0, without answers', () => {
    expect(onTimeRate(0, 0)).toBeNull();
    expect(onTimeRate(4, 3)).toBe(0.75);
  });
});

describe('median and mean from a histogram of working days', () => {
  test('as percentile_cont(0.5) and avg over the values themselves', () => {
    // 1, 2, 3, 15
    expect(
      histogramStats(
        new Map([
          [15, 1],
          [2, 1],
          [1, 1],
          [3, 1],
        ]),
      ),
    ).toEqual({ median: 2.5, mean: 5.25 });
    // 2, 2, 2, 9, 40: odd count
    expect(
      histogramStats(
        new Map([
          [40, 1],
          [2, 3],
          [9, 1],
        ]),
      ),
    ).toEqual({ median: 2, mean: 11 });
    // 0, 0, 7, 7: the middle falls between two buckets
    expect(
      histogramStats(
        new Map([
          [0, 2],
          [7, 2],
        ]),
      ),
    ).toEqual({ median: 3.5, mean: 3.5 });
    expect(histogramStats(new Map([[4, 0]]))).toEqual({ median: null, mean: null });
  });
});

describe('Beijing days and months', () => {
  test('an instant belongs to its Beijing day and month', () => {
    expect(beijingDay(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01');
    expect(beijingMonthStart('2026-10').toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(beijingMonthStart('2026-12', 1).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  test('the last twelve months end with the current Beijing month, across a year', () => {
    expect(lastMonths(new Date('2026-02-28T16:00:00Z'), 12)).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
  });
});
