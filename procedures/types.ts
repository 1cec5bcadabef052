/**
 * The vocabulary every procedure module speaks. Pure types and constants: workflows import this, so nothing
 * here may do I/O or read the clock.
 */
export type ProcedureCode = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7';

/** Who acts: the department that must answer, or the one that asked (for P6 and P7: the supervising body). */
export type Party = 'responsible' | 'requester';

export type ActionType =
  | 'approve'
  | 'refuse'
  | 'open_negotiation'
  | 'agree'
  | 'fail'
  | 'decide'
  | 'correct'
  | 'confirm_correct'
  | 'catalog_updated'
  | 'submit_rectification'
  | 'accept_rectification'
  | 'send_back'
  | 'submit_report';

/**
 * Where a case stands. `awaiting_answer` is common to all (for P6: 整改中, the department's clock running);
 * `under_review` is P6's pause while the supervisor reviews a rectification report; the others are the stage
 * an answer leads to.
 */
export type Stage =
  | 'awaiting_answer'
  | 'approved'
  | 'refused'
  | 'agreed'
  | 'failed'
  | 'decided'
  | 'answered'
  | 'updated'
  | 'under_review'
  | 'rectified'
  | 'submitted';

export type Outcome =
  | 'approved'
  | 'refused'
  | 'agreed'
  | 'failed'
  | 'expired'
  | 'share'
  | 'not_share'
  | 'corrected'
  | 'data_correct'
  | 'catalog_updated'
  | 'rectified'
  | 'report_submitted';

export const STAGE_LABELS: Record<Stage, string> = {
  awaiting_answer: '等待答复',
  approved: '已同意共享',
  refused: '已拒绝',
  agreed: '协商一致',
  failed: '协商未果',
  decided: '已协调决定',
  answered: '已处理',
  updated: '目录已更新',
  under_review: '整改报告待验收',
  rectified: '整改已验收',
  submitted: '已报送',
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  approved: '同意共享',
  refused: '不予共享',
  agreed: '协商一致, 同意共享',
  failed: '协商未果',
  expired: '协商期满未达成一致',
  share: '协调决定: 共享',
  not_share: '协调决定: 不予共享',
  corrected: '已更正',
  data_correct: '经校核, 数据无误',
  catalog_updated: '目录已更新',
  rectified: '整改到位, 已验收',
  report_submitted: '已报送',
};

export interface Phase {
  /** machine code of the phase, e.g. 'answer', 'report' */
  phase: string;
  /** the default limit (the nmg-2018 profile); other jurisdictions set their own in calendar/profiles.ts */
  workingDays: number;
  /** Chinese description for people */
  label: string;
}

export interface ProcedureModule {
  code: ProcedureCode;
  /** Chinese name, as pages, mails and the profile show it */
  name: string;
  /** the article that sets the procedure and its limit */
  article: string;
  /** the Prisma enum value of the read model */
  dbEnum:
    | 'P1_CONDITIONAL_REQUEST'
    | 'P2_NEGOTIATION'
    | 'P3_COORDINATION'
    | 'P4_VERIFICATION'
    | 'P5_CATALOG_UPDATE'
    | 'P6_RECTIFICATION'
    | 'P7_REPORT';
  /** public id prefix: 共享 / 协商 / 协调 / 校核 / 目录 / 整改 / 报送 */
  idPrefix: string;
  phases: readonly Phase[];
  /** the phase whose clock the responsible party answers against (the case's deadline) */
  answerPhase: string;
  /** the actions the procedure accepts, and which party may take each */
  actions: Partial<Record<ActionType, Party>>;
  /** the outcomes an answer (or the clock) can lead to, each with the stage it leaves the case in */
  outcomes: Partial<Record<Outcome, Stage>>;
  /** what the regulation asks of the responsible party, for the new-case and reminder mails */
  mailNote: string;
  /** one sentence for mails: how this case came about, when it follows from another */
  originNote?(parentCaseId: string): string;
  /** how pages and mails name the two parties, where 承办单位 / 申请单位 would mislead (P6, P7) */
  partyLabels?: { responsible: string; requester: string };
}

/** The parties' names for people: the procedure's own, or 承办单位 / 申请单位. */
export function partyLabelsOf(p: Pick<ProcedureModule, 'partyLabels'>): {
  responsible: string;
  requester: string;
} {
  return p.partyLabels ?? { responsible: '承办单位', requester: '申请单位' };
}
