/** Words the pages share for stored codes (a code not listed is shown as it is). */
import { OUTCOME_LABELS, STAGE_LABELS, type Outcome, type Stage } from '../procedures';

/** Notification.kind: what a mail was sent for. */
export const MAIL_KIND_LABELS: Record<string, string> = {
  new_case: '新案件通知',
  reminder: '办理提醒',
  overdue_staff: '逾期通知',
  overdue_supervisor: '逾期督办',
  outcome: '办理结果',
  staff_gap: '专人缺位提醒',
};

export const mailKindText = (kind: string): string => MAIL_KIND_LABELS[kind] ?? kind;

/** Case.status */
export const CASE_STATUS_LABELS: Record<string, string> = { OPEN: '办理中', CLOSED: '已办结' };

export const statusText = (status: string): string => CASE_STATUS_LABELS[status] ?? status;
export const stageText = (stage: Stage): string => STAGE_LABELS[stage] ?? stage;
export const outcomeText = (outcome: Outcome | null): string =>
  outcome ? (OUTCOME_LABELS[outcome] ?? outcome) : '';

/** Stage words a procedure says differently: a P6 case awaiting its answer is a rectification under way. */
const PROCEDURE_STAGE_LABELS: Partial<Record<string, Partial<Record<Stage, string>>>> = {
  P6: { awaiting_answer: '整改中' },
};

/** The stage as the case's own procedure names it (`P6` or its db enum). */
export const caseStageText = (procedure: string, stage: Stage): string =>
  PROCEDURE_STAGE_LABELS[procedure === 'P6_RECTIFICATION' ? 'P6' : procedure]?.[stage] ?? stageText(stage);
