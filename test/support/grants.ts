import type { Db } from '../../prisma/client';

export interface GrantSeed {
  resourceId: string;
  consumer: string;
  purpose: string;
  scope?: string;
  validUntil?: Date;
  createdAt?: Date;
  revokedAt?: Date;
  revokeReason?: string;
}

/**
 * A closed case `caseId` and its grant, written straight to the tables exactly as the projection activity
 * (activities/projection.ts createGrant) writes them when a P1 is approved (a 有条件共享 resource) or a
 * P2 agreed (a 不予共享 one).
 */
export async function seedGrant(db: Db, caseId: string, g: GrantSeed) {
  const resource = await db.resource.findUniqueOrThrow({ where: { id: g.resourceId } });
  const at = new Date('2026-03-02T01:00:00Z');
  await db.case.create({
    data: {
      id: caseId,
      procedure: resource.shareType === 'NOT_SHARED' ? 'P2_NEGOTIATION' : 'P1_CONDITIONAL_REQUEST',
      status: 'CLOSED',
      // the stage and outcome the procedure's answer leads to (procedures/p1…, p2…)
      ...(resource.shareType === 'NOT_SHARED'
        ? { stage: 'agreed' as const, outcome: 'agreed' as const }
        : { stage: 'approved' as const, outcome: 'approved' as const }),
      resourceId: resource.id,
      requesterDepartmentId: g.consumer,
      responsibleDepartmentId: resource.providerDepartmentId,
      rootCaseId: caseId,
      receivedAt: at,
      workingDays: 10,
      deadlineDate: '2026-03-16',
      dueAt: at,
      calendarVersion: 'test',
      profileId: 'nmg-2018',
      closedAt: at,
    },
  });
  return db.grant.create({
    data: {
      caseId,
      resourceId: g.resourceId,
      consumerDepartmentId: g.consumer,
      scope: g.scope ?? '参保状态、缴费基数',
      purpose: g.purpose,
      validUntil: g.validUntil,
      createdAt: g.createdAt,
      revokedAt: g.revokedAt,
      revokedBy: g.revokedAt ? 'NMG-RST' : undefined,
      revokeReason: g.revokeReason,
    },
  });
}
