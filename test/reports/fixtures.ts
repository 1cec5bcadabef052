/**
 * Rows of the first half of 2026 written straight into the read model (no workflows: their answers lie in the
 * past), with the figures they must give, counted by hand below (第三十二条 report tests).
 */
import type { Db } from '../../prisma/client';

const at = (s: string) => new Date(`${s}+08:00`);

type Row = {
  id: string;
  procedure:
    | 'P1_CONDITIONAL_REQUEST'
    | 'P2_NEGOTIATION'
    | 'P4_VERIFICATION'
    | 'P5_CATALOG_UPDATE'
    | 'P6_RECTIFICATION';
  responsible: string;
  requester?: string;
  received: string;
  answered?: string;
  late?: boolean;
  overdue?: boolean;
  outcome?: 'approved' | 'agreed' | 'corrected' | 'catalog_updated' | 'rectified';
};

const ROWS: Row[] = [
  // 人社厅 answers: 3 working days on time, 12 late, one open and overdue; one after the period
  {
    id: 'GX-2026-900001',
    procedure: 'P1_CONDITIONAL_REQUEST',
    responsible: 'NMG-RST',
    requester: 'NMG-MZT',
    received: '2026-02-10T09:00:00',
    answered: '2026-02-13T10:00:00',
    outcome: 'approved',
  },
  {
    id: 'GX-2026-900002',
    procedure: 'P1_CONDITIONAL_REQUEST',
    responsible: 'NMG-RST',
    requester: 'NMG-MZT',
    received: '2026-04-01T09:00:00',
    answered: '2026-04-20T10:00:00',
    late: true,
    overdue: true,
    outcome: 'approved',
  },
  {
    id: 'GX-2026-900003',
    procedure: 'P1_CONDITIONAL_REQUEST',
    responsible: 'NMG-RST',
    requester: 'NMG-GAT',
    received: '2026-06-20T09:00:00',
    overdue: true,
  },
  {
    id: 'GX-2026-900004',
    procedure: 'P1_CONDITIONAL_REQUEST',
    responsible: 'NMG-RST',
    requester: 'NMG-MZT',
    received: '2026-07-05T09:00:00',
  },
  // a negotiation 民政厅 ↔ 人社厅, agreed in 2 working days
  {
    id: 'XS-2026-900001',
    procedure: 'P2_NEGOTIATION',
    responsible: 'NMG-RST',
    requester: 'NMG-MZT',
    received: '2026-01-20T09:00:00',
    answered: '2026-01-22T10:00:00',
    outcome: 'agreed',
  },
  // 公安厅: a catalog update open and overdue, one on time; a verification against its data, corrected
  {
    id: 'ML-2026-900001',
    procedure: 'P5_CATALOG_UPDATE',
    responsible: 'NMG-GAT',
    received: '2026-05-06T09:00:00',
    overdue: true,
  },
  {
    id: 'ML-2026-900002',
    procedure: 'P5_CATALOG_UPDATE',
    responsible: 'NMG-GAT',
    received: '2026-03-10T09:00:00',
    answered: '2026-03-12T10:00:00',
    outcome: 'catalog_updated',
  },
  {
    id: 'JH-2026-900001',
    procedure: 'P4_VERIFICATION',
    responsible: 'NMG-GAT',
    requester: 'NMG-MZT',
    received: '2026-06-01T09:00:00',
    answered: '2026-06-03T10:00:00',
    outcome: 'corrected',
  },
  // a 旗县 below 呼和浩特市: counts for the 盟市's report
  {
    id: 'GX-2026-900005',
    procedure: 'P1_CONDITIONAL_REQUEST',
    responsible: 'HHHT-XCQ',
    requester: 'HHHT',
    received: '2026-03-03T09:00:00',
  },
  // a written notice to 人社厅, rectified
  {
    id: 'ZG-2026-900001',
    procedure: 'P6_RECTIFICATION',
    responsible: 'NMG-RST',
    requester: 'NMG-XTBGS',
    received: '2026-05-10T09:00:00',
    answered: '2026-05-20T10:00:00',
    outcome: 'rectified',
  },
];

export async function writeFirstHalf2026(db: Db): Promise<void> {
  for (const r of ROWS) {
    const stage = !r.outcome
      ? 'awaiting_answer'
      : (
          {
            approved: 'approved',
            agreed: 'agreed',
            corrected: 'answered',
            catalog_updated: 'updated',
            rectified: 'rectified',
          } as const
        )[r.outcome];
    await db.case.create({
      data: {
        id: r.id,
        procedure: r.procedure,
        status: r.answered ? 'CLOSED' : 'OPEN',
        stage,
        outcome: r.outcome ?? null,
        resourceId: r.procedure === 'P1_CONDITIONAL_REQUEST' ? 'SB-0003' : null,
        requesterDepartmentId: r.requester ?? null,
        responsibleDepartmentId: r.responsible,
        rootCaseId: r.id,
        receivedAt: at(r.received),
        workingDays: 10,
        deadlineDate: '2026-12-31',
        dueAt: at('2027-01-01T00:00:00'),
        calendarVersion: 'fixture',
        profileId: 'nmg-2018',
        overdue: r.overdue ?? false,
        answeredAt: r.answered ? at(r.answered) : null,
        answeredLate: r.late ?? false,
        closedAt: r.answered ? at(r.answered) : null,
      },
    });
  }
  await db.rectificationNotice.create({
    data: {
      caseId: 'ZG-2026-900001',
      year: 2026,
      seq: 900001,
      number: '内共享督〔2026〕900001号',
      departmentId: 'NMG-RST',
      issuingDepartmentId: 'NMG-XTBGS',
      issuingBody: '自治区政务信息资源整合共享专项工作协调办公室',
      grounds: [1],
      facts: '未按要求更新目录',
      evidenceCaseIds: [],
      rectificationWorkingDays: 10,
      issuedBy: 'NMG-XTBGS',
      issuedAt: at('2026-05-10T09:00:00'),
    },
  });
  // grants of 人社厅's SB-0003: to 民政厅 in force on 30 June; to 公安厅 revoked in May, and one granted in August
  await db.grant.createMany({
    data: [
      {
        resourceId: 'SB-0003',
        consumerDepartmentId: 'NMG-MZT',
        scope: '参保状态',
        purpose: '低保审核',
        createdAt: at('2026-03-01T09:00:00'),
      },
      {
        resourceId: 'SB-0003',
        consumerDepartmentId: 'NMG-GAT',
        scope: '参保状态',
        purpose: '户籍核查',
        createdAt: at('2026-02-01T09:00:00'),
        revokedAt: at('2026-05-01T09:00:00'),
        revokedBy: 'NMG-RST',
        revokeReason: '用途变更',
      },
      {
        resourceId: 'SB-0003',
        consumerDepartmentId: 'NMG-SCJGJ',
        scope: '参保状态',
        purpose: '企业核查',
        createdAt: at('2026-08-01T09:00:00'),
      },
    ],
  });
}

const zero = { raised: 0, resolved: 0 };

/** Counted by hand from the rows above (and the P3 the test starts: 民政厅 asks, 人社厅 provides, 政数局 decides). */
export const EXPECTED_2026H1 = {
  'NMG-RST': {
    requests: {
      received: 4,
      answered: 3,
      answeredOnTime: 2,
      answeredLate: 1,
      open: 1,
      overdue: 2,
      onTimeRate: 0.6667,
      medianWorkingDays: 3,
    },
    disputes: {
      raised: 2,
      resolved: 1,
      negotiation: { raised: 1, resolved: 1 },
      coordination: { raised: 1, resolved: 0 },
      verification: zero,
    },
    catalogUpdates: { due: 0, onTime: 0, late: 0, open: 0 },
    grants: { asProvider: 1, asConsumer: 0 },
    accessDecisions: { asked: 0, allowed: 0, refused: 0, onOwnResources: 0 },
    rectification: { received: 1, rectified: 1 },
  },
  'NMG-MZT': {
    requests: {
      received: 0,
      answered: 0,
      answeredOnTime: 0,
      answeredLate: 0,
      open: 0,
      overdue: 0,
      onTimeRate: null,
      medianWorkingDays: null,
    },
    disputes: {
      raised: 2,
      resolved: 1,
      negotiation: { raised: 1, resolved: 1 },
      coordination: { raised: 1, resolved: 0 },
      verification: zero,
    },
    catalogUpdates: { due: 0, onTime: 0, late: 0, open: 0 },
    grants: { asProvider: 0, asConsumer: 1 },
    rectification: { received: 0, rectified: 0 },
  },
  'NMG-GAT': {
    requests: {
      received: 3,
      answered: 2,
      answeredOnTime: 2,
      answeredLate: 0,
      open: 1,
      overdue: 1,
      onTimeRate: 1,
      medianWorkingDays: 2,
    },
    disputes: {
      raised: 1,
      resolved: 1,
      negotiation: zero,
      coordination: zero,
      verification: { raised: 1, resolved: 1 },
    },
    catalogUpdates: { due: 2, onTime: 1, late: 0, open: 1 },
    grants: { asProvider: 0, asConsumer: 0 },
  },
  HHHT: {
    area: ['HHHT', 'HHHT-XCQ'],
    requests: { received: 1, answered: 0, open: 1, overdue: 0 },
  },
  'NMG-ZWFWJ': {
    requests: { received: 1, answered: 0, open: 1, overdue: 1 },
  },
} as const;
