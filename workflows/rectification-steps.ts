/**
 * P6's steps between notice and acceptance (第三十六条): the department submits its rectification report and
 * the clock pauses while the supervisor reviews it; a send-back resumes the same clock (same deadline). Kept
 * apart from statutory-case.ts so that file stays the one loop every procedure runs.
 */
import type { Activities, NotifyInput } from '../activities/types';
import { isLate, type StepAction } from './rules';
import type { CaseStart, CaseState } from './types';

export interface StepContext {
  start: CaseStart;
  state: CaseState;
  acts: Pick<Activities, 'recordTransition'>;
  notify(input: NotifyInput): Promise<void>;
  now(): Date;
}

/** Applies a P6 step; the stage changes before the first await, so a concurrent second step is refused. */
export async function applyStep({ start, state, acts, notify, now }: StepContext, action: StepAction) {
  const at = now().toISOString();
  const round = (state.rectificationRounds ?? 0) + (action.type === 'submit_rectification' ? 1 : 0);
  state.rectificationRounds = round;
  if (action.type === 'submit_rectification') {
    state.stage = 'under_review';
    state.lastSubmittedAt = at;
  } else {
    state.stage = 'awaiting_answer';
  }
  const eventKey = `${action.type === 'submit_rectification' ? 'submitted' : 'sent-back'}:${round}`;
  await acts.recordTransition({
    caseId: start.caseId,
    eventKey,
    type: action.type === 'submit_rectification' ? 'rectification_submitted' : 'rectification_sent_back',
    at,
    actor: action.actorDepartmentId,
    data: { ...action, round, late: isLate(Date.parse(at), state.schedule?.dueAt) },
    patch: { stage: state.stage },
  });
  await notify(
    action.type === 'submit_rectification'
      ? { caseId: start.caseId, eventKey, kind: 'submitted', to: 'requester_and_supervisors' }
      : { caseId: start.caseId, eventKey, kind: 'sent_back', to: 'responsible_and_supervisors' },
  );
  return state;
}
