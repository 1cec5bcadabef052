/**
 * Who is in post (core/registry/staff.ts), the rule behind the gap flag and the mail recipients; adding and
 * ending staff over HTTP is in test/api/registry.test.ts.
 */
import { isCurrent } from '../../core/registry/staff';

const NOW = new Date('2026-03-02T01:00:00Z');
const at = (h: number) => new Date(NOW.getTime() + h * 3_600_000);

describe('第二十七条 responsible staff in post', () => {
  it('from activeFrom (inclusive) until activeUntil (exclusive)', () => {
    expect(isCurrent({ activeFrom: NOW, activeUntil: null }, NOW)).toBe(true);
    expect(isCurrent({ activeFrom: at(-1), activeUntil: at(1) }, NOW)).toBe(true);
    expect(isCurrent({ activeFrom: at(-1), activeUntil: NOW }, NOW)).toBe(false);
  });

  it('someone due to start (a handover) is not yet in post', () => {
    expect(isCurrent({ activeFrom: at(1), activeUntil: null }, NOW)).toBe(false);
  });
});
