import { Prisma, type Db } from '../prisma/client';
import { PROCEDURE_ENUM } from '../workflows/types';
import type { CasePatch, GrantInput, TransitionInput } from './types';

function patchData(p: CasePatch = {}) {
  return {
    ...p,
    dueAt: p.dueAt ? new Date(p.dueAt) : undefined,
    overdueAt: p.overdueAt ? new Date(p.overdueAt) : undefined,
    answeredAt: p.answeredAt ? new Date(p.answeredAt) : undefined,
    closedAt: p.closedAt ? new Date(p.closedAt) : undefined,
  };
}

/**
 * Writes one workflow transition to the read model in a single transaction: the case row (created on the first
 * transition) and its timeline event. Re-running it after a crash changes nothing: the event is keyed.
 */
export async function recordTransition(db: Db, t: TransitionInput): Promise<void> {
  await db.$transaction(async (tx) => {
    const patch = patchData(t.patch);
    if (t.start) {
      const s = t.start;
      await tx.case.upsert({
        where: { id: s.caseId },
        create: {
          ...patch,
          id: s.caseId,
          procedure: PROCEDURE_ENUM[s.procedure],
          stage: t.patch?.stage ?? 'awaiting_answer',
          resourceId: s.resourceId,
          requesterDepartmentId: s.requesterDepartmentId,
          responsibleDepartmentId: s.responsibleDepartmentId,
          parentCaseId: s.parentCaseId,
          rootCaseId: s.rootCaseId,
          receivedAt: new Date(s.receivedAt),
          workingDays: s.workingDays,
          deadlineDate: t.patch?.deadlineDate ?? '',
          dueAt: patch.dueAt ?? new Date(s.receivedAt),
          calendarVersion: t.patch?.calendarVersion ?? '',
          profileId: s.profileId,
          details: s.details as Prisma.InputJsonValue,
        },
        update: patch,
      });
    } else if (t.patch) {
      await tx.case.update({ where: { id: t.caseId }, data: patch });
    }
    await tx.caseEvent.createMany({
      data: [
        {
          caseId: t.caseId,
          eventKey: t.eventKey,
          type: t.type,
          at: new Date(t.at),
          actor: t.actor,
          data: (t.data ?? {}) as Prisma.InputJsonValue,
        },
      ],
      skipDuplicates: true,
    });
  });
}

export async function createGrant(db: Db, g: GrantInput): Promise<void> {
  await db.grant.upsert({
    where: {
      caseId_resourceId_consumerDepartmentId: {
        caseId: g.caseId,
        resourceId: g.resourceId,
        consumerDepartmentId: g.consumerDepartmentId,
      },
    },
    create: { ...g, validUntil: g.validUntil ? new Date(g.validUntil) : undefined },
    update: {},
  });
}
