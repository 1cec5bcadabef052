import { appendAudit } from '../audit/log';
import { Prisma, type Db } from '../prisma/client';
import { PROCEDURES } from '../procedures';
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

const LONE_SURROGATES = /\p{Surrogate}/gu;

/**
 * Text Postgres can store. The workflow refuses unstorable text in answers (rules.ts), so this only guards
 * against what slips past: a replacement character in the timeline beats a projection retried for ever.
 */
export function storable<T>(v: T): T {
  if (typeof v === 'string') return v.replaceAll('\u0000', '\ufffd').replace(LONE_SURROGATES, '\ufffd') as T;
  if (Array.isArray(v)) return v.map(storable) as T;
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [storable(k), storable(x)])) as T;
  }
  return v;
}

/**
 * The first transition's patch for a row that already exists. Activities run concurrently: an answer sent right
 * after the start (an Update) can be recorded before the workflow's own `received` bookkeeping, which carries the
 * initial stage and status of the moment it was scheduled. Applied late, those would reopen an answered case in
 * the read model while its workflow has finished (CI saw a refused P1 read back as awaiting_answer). An existing
 * row already holds the initial stage (the API writes it with the case), so only the schedule is taken.
 */
function firstTransitionUpdate(patch: ReturnType<typeof patchData>) {
  const { stage: _stage, status: _status, outcome: _outcome, ...schedule } = patch;
  return schedule;
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
          procedure: PROCEDURES[s.procedure].dbEnum,
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
          details: storable(s.details) as Prisma.InputJsonValue,
        },
        update: firstTransitionUpdate(patch),
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
          data: storable(t.data ?? {}) as Prisma.InputJsonValue,
        },
      ],
      skipDuplicates: true,
    });
    if (t.grant) await writeGrant(tx, t.grant);
  });
}

/** The grant an accepted answer creates, with its 第二十四条 log row, once however often it is retried. */
export async function createGrant(db: Db, g: GrantInput): Promise<void> {
  await db.$transaction((tx) => writeGrant(tx, g));
}

async function writeGrant(tx: Prisma.TransactionClient, g: GrantInput): Promise<void> {
  const { grantedBy, ...grant } = g;
  const key = {
    caseId: g.caseId,
    resourceId: g.resourceId,
    consumerDepartmentId: g.consumerDepartmentId,
  };
  if (await tx.grant.findUnique({ where: { caseId_resourceId_consumerDepartmentId: key } })) return;
  const created = await tx.grant.create({
    data: { ...storable(grant), validUntil: g.validUntil ? new Date(g.validUntil) : undefined },
  });
  await appendAudit(tx, {
    actor: grantedBy ?? 'workflow',
    action: 'grant_created',
    target: created.id,
    data: storable({
      caseId: g.caseId,
      resourceId: g.resourceId,
      consumer: g.consumerDepartmentId,
      scope: g.scope,
      purpose: g.purpose,
      validUntil: g.validUntil ?? null,
    }),
  });
}
