/**
 * The legal basis of a catalog entry (第十四条): a 有条件共享 or 不予共享 resource must name the law,
 * regulation or central policy it rests on, and the management department reviews it. Pure state machine:
 *
 *   not_required (无条件共享)   pending ──confirm──▶ confirmed
 *                                  │ ▲                 │
 *                             reject │ edit of basis    reject
 *                                  ▼ │ or share type    ▼
 *                                rejected ◀────────────┘   (a rejected basis may still be confirmed)
 *
 * An edit of the basis, or of the share type to one that needs a basis, clears both marks: pending again.
 */
import { DomainError } from '../errors';

export const SHARE_TYPES = ['UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED'] as const;
export type ShareType = (typeof SHARE_TYPES)[number];
export const SHARE_TYPE_NAME = {
  UNCONDITIONAL: '无条件共享',
  CONDITIONAL: '有条件共享',
  NOT_SHARED: '不予共享',
} as const;

/** `missing` only shows for rows written around the use-cases (they never accept such a resource). */
export const LEGAL_BASIS_STATUSES = ['not_required', 'missing', 'pending', 'confirmed', 'rejected'] as const;
export type LegalBasisStatus = (typeof LEGAL_BASIS_STATUSES)[number];

/** The management department's marks on a resource. */
export interface LegalBasisMarks {
  legalBasisConfirmedAt: Date | null;
  legalBasisConfirmedBy: string | null;
  legalBasisRejectedAt: Date | null;
  legalBasisRejectedBy: string | null;
  legalBasisRejectReason: string | null;
}

export interface LegalBasisState extends LegalBasisMarks {
  shareType: ShareType;
  legalBasis: string | null;
}

export const needsLegalBasis = (t: ShareType): boolean => t !== 'UNCONDITIONAL';

/** A resource of this share type may be stored with this basis. */
export function requireLegalBasis(shareType: ShareType, legalBasis: string | null | undefined): void {
  if (needsLegalBasis(shareType) && !legalBasis) {
    throw new DomainError(
      'unprocessable',
      'legal_basis_required',
      `${SHARE_TYPE_NAME[shareType]}的信息资源必须提供法律、行政法规或政策依据 (第十四条)`,
      {
        errors: [{ field: 'legalBasis', code: 'required', message: '有条件共享和不予共享必须填写法律依据' }],
      },
    );
  }
}

export function legalBasisStatus(r: LegalBasisState): LegalBasisStatus {
  if (!needsLegalBasis(r.shareType)) return 'not_required';
  if (!r.legalBasis) return 'missing';
  if (r.legalBasisConfirmedAt) return 'confirmed';
  if (r.legalBasisRejectedAt) return 'rejected';
  return 'pending';
}

export const UNREVIEWED: LegalBasisMarks = {
  legalBasisConfirmedAt: null,
  legalBasisConfirmedBy: null,
  legalBasisRejectedAt: null,
  legalBasisRejectedBy: null,
  legalBasisRejectReason: null,
};

/**
 * After an edit: whether the review starts over. Only a basis that is still needed is reviewed again; a move
 * to 无条件共享 keeps the old marks, which no longer count (status not_required).
 */
export function needsReview(
  shareType: ShareType,
  changed: { legalBasis: boolean; shareType: boolean },
): boolean {
  return needsLegalBasis(shareType) && (changed.legalBasis || changed.shareType);
}

export type LegalBasisDecision = { confirm: true } | { confirm: false; reason: string };

/**
 * The management department confirms or rejects: the marks to write, or why it cannot (409). Deciding what
 * is already decided the same way is refused; the other way round is allowed (a review may be revised).
 */
export function decideLegalBasis(
  r: LegalBasisState,
  decision: LegalBasisDecision,
  by: string,
  at: Date,
): LegalBasisMarks {
  const conflict = (code: string, detail: string) => new DomainError('conflict', code, detail);
  if (!needsLegalBasis(r.shareType)) {
    throw conflict('legal_basis_not_required', '无条件共享的信息资源无需法律依据, 无可确认或退回 (第十四条)');
  }
  if (!r.legalBasis) throw conflict('no_legal_basis', '该资源尚未填写法律依据, 无可确认或退回');
  const status = legalBasisStatus(r);
  if (decision.confirm && status === 'confirmed') {
    throw conflict('legal_basis_already_confirmed', '该资源的法律依据已确认');
  }
  if (!decision.confirm && status === 'rejected') {
    throw conflict('legal_basis_already_rejected', '该资源的法律依据已退回, 等待提供部门修改');
  }
  return decision.confirm
    ? { ...UNREVIEWED, legalBasisConfirmedAt: at, legalBasisConfirmedBy: by }
    : {
        ...UNREVIEWED,
        legalBasisRejectedAt: at,
        legalBasisRejectedBy: by,
        legalBasisRejectReason: decision.reason,
      };
}
