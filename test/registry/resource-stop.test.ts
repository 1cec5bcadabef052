/**
 * Stop-sharing notices as pure rules (core/registry/resource-stop.ts); filing, withdrawing and who sees
 * notices over HTTP are in test/api/registry.test.ts.
 */
import {
  noticeState,
  requireAdvance,
  requireFileable,
  requireWithdrawable,
  STOP_MIN_ADVANCE_MS,
  stopStateOf,
} from '../../core/registry/resource-stop';
import { outcome } from '../support/domain';

const NOW = new Date('2026-03-02T01:00:00Z');
const after = (ms: number) => new Date(NOW.getTime() + ms);
const HOUR = 3_600_000;
const notice = (id: string, effectiveAt: Date, withdrawnAt: Date | null = null) => ({
  id,
  effectiveAt,
  withdrawnAt,
  reason: `理由 ${id}`,
});
const published = { id: 'SB-0003', status: 'PUBLISHED' as const };

describe('第十八条 stopping a published resource: a reason, filed in advance', () => {
  it('is filed at least an hour ahead', () => {
    expect(STOP_MIN_ADVANCE_MS).toBe(HOUR);
    expect(outcome(() => requireAdvance(after(HOUR), NOW))).toBe('ok');
    expect(outcome(() => requireAdvance(after(HOUR - 1), NOW))).toBe('unprocessable:stop_not_in_advance');
    expect(outcome(() => requireAdvance(after(-HOUR), NOW))).toBe('unprocessable:stop_not_in_advance');
  });

  it('takes effect by the clock, unless withdrawn before', () => {
    const n = notice('a', after(HOUR));
    expect(noticeState(n, NOW)).toBe('pending');
    expect(noticeState(n, after(HOUR))).toBe('effective');
    expect(noticeState({ ...n, withdrawnAt: NOW }, after(2 * HOUR))).toBe('withdrawn');

    expect(stopStateOf(published, [n], NOW)).toEqual({ stopped: false, at: n.effectiveAt, reason: '理由 a' });
    expect(stopStateOf(published, [n], after(HOUR))).toEqual({
      stopped: true,
      at: n.effectiveAt,
      reason: '理由 a',
    });
    expect(stopStateOf(published, [{ ...n, withdrawnAt: NOW }], after(HOUR))).toEqual({ stopped: false });
    expect(stopStateOf({ status: 'STOPPED' }, [], NOW)).toEqual({ stopped: true });
  });

  it('one notice waiting at a time, and none for a resource already stopped', () => {
    expect(outcome(() => requireFileable(published, [], NOW))).toBe('ok');
    expect(outcome(() => requireFileable(published, [notice('w', after(HOUR), NOW)], NOW))).toBe('ok');
    expect(outcome(() => requireFileable(published, [notice('p', after(HOUR))], NOW))).toBe(
      'conflict:stop_notice_pending',
    );
    expect(outcome(() => requireFileable(published, [notice('e', after(-1))], NOW))).toBe(
      'conflict:resource_already_stopped',
    );
    expect(outcome(() => requireFileable({ ...published, status: 'STOPPED' }, [], NOW))).toBe(
      'conflict:resource_already_stopped',
    );
  });

  it('is withdrawn until it takes effect, once', () => {
    expect(outcome(() => requireWithdrawable(notice('p', after(1)), NOW))).toBe('ok');
    expect(outcome(() => requireWithdrawable(notice('e', NOW), NOW))).toBe('conflict:stop_already_effective');
    expect(outcome(() => requireWithdrawable(notice('w', after(HOUR), NOW), NOW))).toBe(
      'conflict:notice_already_withdrawn',
    );
  });
});
