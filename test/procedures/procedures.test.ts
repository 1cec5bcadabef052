/**
 * The procedure modules are the one home of each procedure: the workflow rules, the profile, the mails and the
 * read model all take their facts from them. These tests hold each article to its module.
 */
import { getProfile, answerWorkingDays } from '../../calendar/profiles';
import { renderMail, type MailFacts } from '../../mail/templates';
import {
  OUTCOME_LABELS,
  PROCEDURE_CODES,
  PROCEDURES,
  STAGE_LABELS,
  codeOfDbEnum,
  type ActionType,
  type ProcedureCode,
} from '../../procedures';
import { checkAction, initialState, isStepAction, outcomeOf } from '../../workflows/rules';
import type { CaseAction, CaseStart, CaseState } from '../../workflows/types';

const startOf = (procedure: ProcedureCode): CaseStart => ({
  caseId: `${PROCEDURES[procedure].idPrefix}-2026-000001`,
  procedure,
  profileId: 'nmg-2018',
  receivedAt: '2026-03-02T09:00:00+08:00',
  workingDays: 10,
  requesterDepartmentId: 'NMG-MZT',
  responsibleDepartmentId: 'NMG-RST',
  rootCaseId: 'GX-2026-000001',
  details: {},
});
const waiting = (procedure: ProcedureCode): CaseState => initialState({ caseId: 'x', procedure });

/** A complete, valid action of each type, taken by `actor`. */
function actionOf(type: ActionType, actor: string): CaseAction {
  const a = { actorDepartmentId: actor };
  const all: Record<ActionType, CaseAction> = {
    approve: { ...a, type: 'approve', scope: '参保状态', purpose: '低保审核' },
    refuse: { ...a, type: 'refuse', reason: '涉及隐私', legalBasis: '社会保险法' },
    open_negotiation: { ...a, type: 'open_negotiation', need: '履行职责确需' },
    agree: { ...a, type: 'agree', scope: '参保状态', purpose: '低保审核' },
    fail: { ...a, type: 'fail', reason: '未达成一致' },
    decide: {
      ...a,
      type: 'decide',
      share: true,
      reasons: '依职责确需',
      scope: '参保状态',
      purpose: '低保审核',
    },
    correct: { ...a, type: 'correct', explanation: '已更正' },
    confirm_correct: { ...a, type: 'confirm_correct', explanation: '数据无误' },
    submit_rectification: { ...a, type: 'submit_rectification', report: '已完成目录更新' },
    accept_rectification: { ...a, type: 'accept_rectification' },
    send_back: { ...a, type: 'send_back', reasons: '整改不到位' },
    submit_report: { ...a, type: 'submit_report', narrative: '上半年共享落实情况' },
    catalog_updated: { ...a, type: 'catalog_updated', catalogVersion: '2026.2' },
  };
  return all[type];
}

function mailFor(procedure: ProcedureCode, kind: MailFacts['kind'], parentCaseId?: string) {
  return renderMail({
    kind,
    caseId: startOf(procedure).caseId,
    procedure,
    deadlineDate: '2026-03-16',
    provisional: false,
    recipientName: '张三',
    responsibleDepartment: '内蒙古自治区人力资源和社会保障厅',
    parentCaseId,
    link: 'http://127.0.0.1:3000/dashboard/cases/x',
  });
}

/** What every module must hold, checked against the workflow rules, profile and mails that use it. */
function holdsItsProcedure(code: ProcedureCode, article: string) {
  const p = PROCEDURES[code];
  expect(p.article).toBe(article);
  // the default profile's durations and names are the module's
  const limits = getProfile().procedures[code];
  expect(limits).toMatchObject({ name: p.name, article: p.article, phases: p.phases });
  expect(answerWorkingDays(getProfile(), code)).toBe(
    p.phases.find((ph) => ph.phase === p.answerPhase)?.workingDays,
  );
  // each action the module lists is accepted from its party only, and leads to one of the module's outcomes
  for (const [type, party] of Object.entries(p.actions) as [ActionType, 'responsible' | 'requester'][]) {
    const start = startOf(code);
    const own =
      party === 'responsible' ? start.responsibleDepartmentId : (start.requesterDepartmentId as string);
    const other =
      party === 'responsible' ? (start.requesterDepartmentId as string) : start.responsibleDepartmentId;
    const state =
      type === 'open_negotiation'
        ? { ...waiting(code), stage: 'refused' as const }
        : type === 'accept_rectification' || type === 'send_back'
          ? { ...waiting(code), stage: 'under_review' as const }
          : waiting(code);
    expect(checkAction(start, state, actionOf(type, own))).toBeUndefined();
    expect(checkAction(start, state, actionOf(type, other))?.code).toBe('wrong_party');
    const action = actionOf(type, own);
    if (type !== 'open_negotiation' && !isStepAction(action)) {
      const { stage, outcome } = outcomeOf(start, action);
      expect(p.outcomes[outcome]).toBe(stage);
      expect(STAGE_LABELS[stage]).toMatch(/[\u4e00-\u9fff]/);
      expect(OUTCOME_LABELS[outcome]).toMatch(/[\u4e00-\u9fff]/);
    }
  }
  // actions of other procedures are refused as the wrong stage
  for (const other of PROCEDURE_CODES.filter((c) => c !== code)) {
    for (const type of Object.keys(PROCEDURES[other].actions) as ActionType[]) {
      const start = startOf(code);
      expect(checkAction(start, waiting(code), actionOf(type, start.responsibleDepartmentId))?.code).toBe(
        'wrong_stage',
      );
    }
  }
  // the mail to the responsible staff names the procedure and its article, and says what the article asks
  for (const kind of ['new_case', 'reminder'] as const) {
    const mail = mailFor(code, kind);
    expect(mail.text).toContain(`${p.name} (${article})`);
    expect(mail.text).toContain(p.mailNote);
    expect(p.mailNote).toContain(article);
  }
  // the read model's enum maps back to the code
  expect(codeOfDbEnum(p.dbEnum)).toBe(code);
}

describe('第十九条 有条件共享申请、协商、协调 (P1, P2, P3)', () => {
  it.each(['P1', 'P2', 'P3'] as const)('%s is defined once, in its module', (code) =>
    holdsItsProcedure(code, '第十九条'),
  );

  it('P1 answers within 10 working days, P2 settles within 10, P3 decides within 30', () => {
    expect([PROCEDURES.P1, PROCEDURES.P2, PROCEDURES.P3].map((p) => p.phases[0].workingDays)).toEqual([
      10, 10, 30,
    ]);
  });

  it('a P2 or P3 mail says which case it came from', () => {
    expect(mailFor('P2', 'new_case', 'GX-2026-000007').text).toContain(
      '本案由有条件共享申请 GX-2026-000007 被拒绝后转入协商',
    );
    expect(mailFor('P3', 'new_case', 'XS-2026-000003').text).toContain(
      '本案由协商案件 XS-2026-000003 协商未果转入协调',
    );
  });

  it('an expired negotiation leaves the case failed, as an explicit failure does', () => {
    expect(PROCEDURES.P2.outcomes.expired).toBe('failed');
    expect(PROCEDURES.P2.outcomes.failed).toBe('failed');
  });
});

describe('第二十一条 疑义、错误信息校核 (P4)', () => {
  it('is defined once, in its module', () => holdsItsProcedure('P4', '第二十一条'));

  it('reports within 5 working days of discovery, the provider answers within 10', () => {
    expect(PROCEDURES.P4.phases.map((ph) => [ph.phase, ph.workingDays])).toEqual([
      ['report', 5],
      ['answer', 10],
    ]);
    expect(PROCEDURES.P4.answerPhase).toBe('answer');
  });

  it('its mail tells the provider that citizens with valid proof keep being served meanwhile', () => {
    expect(mailFor('P4', 'new_case').text).toMatch(/合法有效证明材料的, 受理单位应照常办理/);
  });
});

describe('第九条 目录更新 (P5)', () => {
  it('is defined once, in its module', () => holdsItsProcedure('P5', '第九条'));

  it('the department updates its catalog within 15 working days', () => {
    expect(PROCEDURES.P5.phases[0].workingDays).toBe(15);
  });
});

describe('the procedures together', () => {
  it('have distinct codes, id prefixes and read-model values', () => {
    const all = PROCEDURE_CODES.map((c) => PROCEDURES[c]);
    expect(all.map((p) => p.code)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']);
    expect(new Set(all.map((p) => p.idPrefix)).size).toBe(all.length);
    expect(new Set(all.map((p) => p.dbEnum)).size).toBe(all.length);
  });

  it('every action belongs to exactly one procedure', () => {
    const owners = new Map<string, string[]>();
    for (const c of PROCEDURE_CODES)
      for (const a of Object.keys(PROCEDURES[c].actions)) owners.set(a, [...(owners.get(a) ?? []), c]);
    for (const [action, codes] of owners) expect([action, codes.length]).toEqual([action, 1]);
  });
});
