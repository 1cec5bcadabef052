/**
 * The legal-basis review as a pure state machine (core/registry/legal-basis.ts); the HTTP behaviour, audit
 * entries and who may review are in test/api/registry.test.ts.
 */
import {
  decideLegalBasis,
  legalBasisStatus,
  needsReview,
  requireLegalBasis,
  UNREVIEWED,
  type LegalBasisDecision,
  type LegalBasisState,
} from '../../core/registry/legal-basis';
import { outcome } from '../support/domain';

const T = new Date('2026-03-02T01:00:00Z');
const pending: LegalBasisState = {
  shareType: 'CONDITIONAL',
  legalBasis: '《社会保险法》第八十一条',
  ...UNREVIEWED,
};
const confirm: LegalBasisDecision = { confirm: true };
const reject: LegalBasisDecision = { confirm: false, reason: '依据条款不对应' };

describe('第十四条 legal basis of 有条件共享 and 不予共享 resources', () => {
  it('有条件共享 and 不予共享 need a basis; 无条件共享 does not', () => {
    expect(outcome(() => requireLegalBasis('UNCONDITIONAL', undefined))).toBe('ok');
    expect(outcome(() => requireLegalBasis('CONDITIONAL', '依据'))).toBe('ok');
    for (const t of ['CONDITIONAL', 'NOT_SHARED'] as const) {
      for (const basis of [undefined, null, '']) {
        expect(outcome(() => requireLegalBasis(t, basis))).toBe('unprocessable:legal_basis_required');
      }
    }
  });

  it('status: not_required, missing, pending, confirmed, rejected', () => {
    expect(legalBasisStatus({ ...pending, shareType: 'UNCONDITIONAL' })).toBe('not_required');
    expect(legalBasisStatus({ ...pending, legalBasis: null })).toBe('missing');
    expect(legalBasisStatus(pending)).toBe('pending');
    expect(legalBasisStatus({ ...pending, legalBasisConfirmedAt: T })).toBe('confirmed');
    expect(legalBasisStatus({ ...pending, legalBasisRejectedAt: T })).toBe('rejected');
  });

  it('pending → confirmed → rejected → confirmed: each step writes one mark and clears the other', () => {
    const confirmed = { ...pending, ...decideLegalBasis(pending, confirm, 'NMG-ZWFWJ', T) };
    expect(confirmed).toMatchObject({ legalBasisConfirmedAt: T, legalBasisConfirmedBy: 'NMG-ZWFWJ' });
    expect(legalBasisStatus(confirmed)).toBe('confirmed');

    const rejected = { ...confirmed, ...decideLegalBasis(confirmed, reject, 'NMG-ZWFWJ', T) };
    expect(rejected).toMatchObject({
      legalBasisConfirmedAt: null,
      legalBasisConfirmedBy: null,
      legalBasisRejectedBy: 'NMG-ZWFWJ',
      legalBasisRejectReason: '依据条款不对应',
    });
    expect(legalBasisStatus(rejected)).toBe('rejected');

    const again = { ...rejected, ...decideLegalBasis(rejected, confirm, 'admin', T) };
    expect(again).toMatchObject({ legalBasisRejectedAt: null, legalBasisRejectReason: null });
    expect(legalBasisStatus(again)).toBe('confirmed');
  });

  it('refuses what has nothing to review or is already decided that way (409)', () => {
    const decide = (r: LegalBasisState, d: LegalBasisDecision) => () => decideLegalBasis(r, d, 'x', T);
    expect(outcome(decide({ ...pending, shareType: 'UNCONDITIONAL' }, confirm))).toBe(
      'conflict:legal_basis_not_required',
    );
    expect(outcome(decide({ ...pending, legalBasis: null }, reject))).toBe('conflict:no_legal_basis');
    const confirmed = { ...pending, legalBasisConfirmedAt: T };
    expect(outcome(decide(confirmed, confirm))).toBe('conflict:legal_basis_already_confirmed');
    const rejected = { ...pending, legalBasisRejectedAt: T };
    expect(outcome(decide(rejected, reject))).toBe('conflict:legal_basis_already_rejected');
  });

  it('an edit of the basis, or to a share type that needs one, sends it back to pending', () => {
    expect(needsReview('CONDITIONAL', { legalBasis: true, shareType: false })).toBe(true);
    expect(needsReview('NOT_SHARED', { legalBasis: false, shareType: true })).toBe(true);
    expect(needsReview('CONDITIONAL', { legalBasis: false, shareType: false })).toBe(false);
    // to 无条件共享: nothing to review any more (the old marks no longer count)
    expect(needsReview('UNCONDITIONAL', { legalBasis: true, shareType: true })).toBe(false);
    const confirmed: LegalBasisState = { ...pending, legalBasisConfirmedAt: T, legalBasisConfirmedBy: 'x' };
    expect(legalBasisStatus({ ...confirmed, ...UNREVIEWED })).toBe('pending');
  });
});
