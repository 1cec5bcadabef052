import { loadBundledCalendar } from '../../calendar/bundled';
import { diffDeadlines } from '../../calendar/diff';
import { WorkingDayCalendar } from '../../calendar/engine';
import { CalendarInputError } from '../../calendar/errors';
import { DEFAULT_PROFILE_ID, durationOf, getProfile, reminderWorkingDays } from '../../calendar/profiles';
import { buildSchedule } from '../../calendar/schedule';
import { deadlineResponse } from '../../calendar/service';
import { loadOfficialArrangements } from '../../calendar/bundled';
import { FAKE_2027 } from './helpers';

const cal = loadBundledCalendar();

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof CalendarInputError) return e.code;
    throw e;
  }
  throw new Error('did not throw');
}

describe('deadlineResponse', () => {
  test('exact shape, explanation only on request', () => {
    const r = deadlineResponse(cal, { from: '2026-02-12', workingDays: 10 });
    expect(r).toEqual({
      deadline: '2026-03-04',
      dueAt: '2026-03-05T00:00:00.000+08:00',
      provisional: false,
      calendarVersion: cal.calendarVersion,
    });
    const e = deadlineResponse(cal, {
      from: '2026-02-12',
      workingDays: '10',
      explain: true,
      profile: 'nmg-2018',
    });
    expect(Object.keys(e)).toEqual(['deadline', 'dueAt', 'provisional', 'calendarVersion', 'explanation']);
  });

  test('validates N (1..366, integer) and from', () => {
    for (const n of [0, -1, 367, 100000, 1.5, '1e3', '', null, undefined, '10abc']) {
      expect(codeOf(() => deadlineResponse(cal, { from: '2026-02-12', workingDays: n }))).toBe(
        'invalid_working_days',
      );
    }
    expect(deadlineResponse(cal, { from: '2026-02-12', workingDays: 366 }).deadline > '2027').toBe(true);
    expect(codeOf(() => deadlineResponse(cal, { from: 20260212, workingDays: 1 }))).toBe('invalid_date');
    expect(codeOf(() => deadlineResponse(cal, { from: '2026-2-12', workingDays: 1 }))).toBe('invalid_date');
    expect(codeOf(() => deadlineResponse(cal, { from: '2026-02-12', workingDays: 1, profile: 'x' }))).toBe(
      'unknown_profile',
    );
  });
});

describe('profiles', () => {
  test('nmg-2018 durations and reminder policy', () => {
    const p = getProfile();
    expect(p.id).toBe(DEFAULT_PROFILE_ID);
    expect(p.basis).toBe('内政发〔2018〕23号');
    expect([durationOf(p, 'P1'), durationOf(p, 'P2'), durationOf(p, 'P3'), durationOf(p, 'P5')]).toEqual([
      10, 10, 30, 15,
    ]);
    expect([durationOf(p, 'P4', 'report'), durationOf(p, 'P4', 'answer')]).toEqual([5, 10]);
    expect(codeOf(() => durationOf(p, 'P4', 'nope'))).toBe('unknown_phase');
    expect(codeOf(() => getProfile('gd-2020'))).toBe('unknown_profile');
  });

  test('reminders at half the period and one working day before', () => {
    const policy = getProfile().reminders;
    expect(reminderWorkingDays(policy, 10)).toEqual([5, 9]);
    expect(reminderWorkingDays(policy, 2)).toEqual([1]);
    expect(reminderWorkingDays(policy, 1)).toEqual([]);
    // the schedule the workflows' timers run on (across 春节 2026: 2/14 and 2/28 are working Saturdays)
    expect(buildSchedule(cal, '2026-02-12', 10, policy).reminders).toEqual([
      { key: 'half', at: '2026-02-27T00:00:00+08:00' },
      { key: 'day-before', at: '2026-03-04T00:00:00+08:00' },
    ]);
    expect(buildSchedule(cal, '2026-02-12', 2, policy).reminders.map((r) => r.key)).toEqual(['half']);
    expect(buildSchedule(cal, '2026-02-12', 1, policy).reminders).toEqual([]);
  });
});

describe('diffDeadlines', () => {
  test('reports moved cases with calendar-day shifts, provisional flips and errors', () => {
    const newCal = new WorkingDayCalendar({ arrangements: [...loadOfficialArrangements(), FAKE_2027] });
    const old = (from: string, n: number) => cal.deadline(from, n).deadline;
    const cases = [
      // crosses the (fake) 2027 Spring Festival: 2/5–2/12 off instead of the fallback's 2/5–2/10
      { caseId: 'a', from: '2027-02-01', workingDays: 10, currentDeadline: old('2027-02-01', 10) },
      // entirely in official 2026: unchanged
      { caseId: 'b', from: '2026-03-02', workingDays: 10, currentDeadline: old('2026-03-02', 10) },
      // same deadline, now official
      { caseId: 'c', from: '2027-03-01', workingDays: 3, currentDeadline: old('2027-03-01', 3) },
      { caseId: 'd', from: 'bad', workingDays: 3, currentDeadline: '2027-01-01' },
      { caseId: 'e', from: '2026-03-02', workingDays: 10, currentDeadline: '2026-03-10' },
    ];
    const d = diffDeadlines(cal, newCal, cases);
    expect(d.oldVersion).toBe(cal.calendarVersion);
    expect(d.newVersion).toBe(newCal.calendarVersion);
    expect(d.checked).toBe(5);
    const a = d.moved.find((m) => m.caseId === 'a');
    expect(a).toBeDefined();
    expect(a?.oldProvisional).toBe(true);
    expect(a?.newProvisional).toBe(false);
    expect(a?.shiftDays).toBe(
      Math.round(
        (Date.parse(`${a?.newDeadline}T00:00:00Z`) - Date.parse(`${a?.oldDeadline}T00:00:00Z`)) / 86_400_000,
      ),
    );
    expect(a?.shiftDays).toBeGreaterThan(0);
    expect(d.moved.map((m) => m.caseId).sort()).toEqual(['a', 'e']);
    expect(d.provisionalChanged).toEqual([
      expect.objectContaining({ caseId: 'c', oldProvisional: true, newProvisional: false }),
    ]);
    expect(d.storedMismatch).toEqual([
      { caseId: 'e', stored: '2026-03-10', computedByOld: old('2026-03-02', 10) },
    ]);
    expect(d.errors).toEqual([expect.objectContaining({ caseId: 'd', code: 'invalid_date' })]);
    expect(d.unchangedCount).toBe(2);
  });
});
