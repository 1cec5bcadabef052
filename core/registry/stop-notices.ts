/**
 * Stop-sharing notices (第十八条): the provider files one with its reason at least STOP_MIN_ADVANCE_MS ahead
 * and may withdraw it until it takes effect; the management department, oversight and administrators see
 * every notice, other departments only those of their own resources. The rules are in resource-stop.ts.
 */
import { appendAudit } from '../../audit/log';
import type { Prisma } from '../../prisma/client';
import { AccessDenied, actingAs, type Actor } from '../actor';
import { DomainError } from '../errors';
import { decodeTimeCursor, pageFrom } from '../paging';
import { requireActsFor, seesAllNotices } from './authority';
import { lockResource, noticeView, resourceOr404, type StopNoticeView } from './catalog';
import { iso, nowOf, type Page, type RegistryDeps } from './common';
import { requireAdvance, requireFileable, requireWithdrawable } from './resource-stop';

/** Files a notice for one of the provider's resources. */
export async function fileStopNotice(
  deps: RegistryDeps,
  actor: Actor,
  resourceId: string,
  input: { reason: string; effectiveAt: string },
): Promise<StopNoticeView> {
  const owner = (await resourceOr404(deps.db, resourceId)).providerDepartmentId;
  requireActsFor(actor, owner, '报备停止共享本部门提供的信息资源');
  const now = nowOf(deps);
  const effectiveAt = new Date(input.effectiveAt);
  requireAdvance(effectiveAt, now);
  const notice = await deps.db.$transaction(async (tx) => {
    const r = await lockResource(tx, resourceId);
    const live = await tx.stopSharingNotice.findMany({ where: { resourceId: r.id, withdrawnAt: null } });
    requireFileable(r, live, now);
    const n = await tx.stopSharingNotice.create({
      data: { resourceId: r.id, reason: input.reason, effectiveAt, filedAt: now, filedBy: actingAs(actor) },
    });
    await appendAudit(tx, {
      actor: actor.clientId,
      action: 'stop_notice_filed',
      target: `resource:${r.id}`,
      data: { noticeId: n.id, effectiveAt: iso(effectiveAt), reason: input.reason },
    });
    return n;
  });
  return noticeView(notice, now);
}

const noticeNotFound = (resourceId: string) =>
  new DomainError('not_found', 'notice_not_found', `信息资源 ${resourceId} 没有这份停止共享报备`);

/**
 * Another department's notice under one's own resource path: answered like an unknown id (ids do not leak)
 * but on record as an attempt. Checked before the transaction, whose rollback would take the record with it;
 * a notice never changes resource, so the check cannot go stale.
 */
async function refuseForeignNotice(deps: RegistryDeps, actor: Actor, resourceId: string, noticeId: string) {
  if (actor.role === 'ADMIN') return; // acts for every department: a mismatched path is a mistake, not an attempt
  const n = await deps.db.stopSharingNotice.findUnique({
    where: { id: noticeId },
    select: { resourceId: true, resource: { select: { providerDepartmentId: true } } },
  });
  if (!n || n.resourceId === resourceId || n.resource.providerDepartmentId === actor.departmentId) return;
  throw new AccessDenied(
    '停止共享报备属于其他部门的信息资源, 只能撤回本部门的报备',
    { noticeId, resourceId: n.resourceId, ownerDepartmentId: n.resource.providerDepartmentId },
    noticeNotFound(resourceId),
  );
}

/** Withdraws a notice not yet in effect. */
export async function withdrawStopNotice(
  deps: RegistryDeps,
  actor: Actor,
  resourceId: string,
  noticeId: string,
): Promise<StopNoticeView> {
  const owner = (await resourceOr404(deps.db, resourceId)).providerDepartmentId;
  requireActsFor(actor, owner, '撤回本部门的停止共享报备');
  await refuseForeignNotice(deps, actor, resourceId, noticeId);
  const now = nowOf(deps);
  const notice = await deps.db.$transaction(async (tx) => {
    await lockResource(tx, resourceId);
    const n = await tx.stopSharingNotice.findFirst({ where: { id: noticeId, resourceId } });
    if (!n) throw noticeNotFound(resourceId);
    requireWithdrawable(n, now);
    const w = await tx.stopSharingNotice.update({
      where: { id: n.id },
      data: { withdrawnAt: now, withdrawnBy: actingAs(actor) },
    });
    await appendAudit(tx, {
      actor: actor.clientId,
      action: 'stop_notice_withdrawn',
      target: `resource:${resourceId}`,
      data: { noticeId: n.id, effectiveAt: iso(n.effectiveAt) },
    });
    return w;
  });
  return noticeView(notice, now);
}

export interface StopNoticeQuery {
  limit: number;
  /** a (filedAt, id) cursor */
  cursor?: string;
  /** true: only notices not yet in effect and not withdrawn; false: all others */
  pending?: boolean;
  resource?: string;
}

/** Newest filing first. */
export async function listStopNotices(
  deps: RegistryDeps,
  actor: Actor,
  q: StopNoticeQuery,
): Promise<Page<StopNoticeView>> {
  const now = nowOf(deps);
  const seesAll = await seesAllNotices(deps.db, actor);
  let after: Prisma.StopSharingNoticeWhereInput = {};
  if (q.cursor) {
    const { at: filedAt, id } = decodeTimeCursor(q.cursor);
    after = { OR: [{ filedAt: { lt: filedAt } }, { filedAt, id: { lt: id } }] };
  }
  const pending: Prisma.StopSharingNoticeWhereInput = { withdrawnAt: null, effectiveAt: { gt: now } };
  const rows = await deps.db.stopSharingNotice.findMany({
    where: {
      AND: [
        seesAll ? {} : { resource: { providerDepartmentId: actor.departmentId ?? '' } },
        q.pending === true ? pending : q.pending === false ? { NOT: pending } : {},
        q.resource ? { resourceId: q.resource } : {},
        after,
      ],
    },
    orderBy: [{ filedAt: 'desc' }, { id: 'desc' }],
    take: q.limit + 1,
  });
  return pageFrom(
    rows,
    q.limit,
    (n) => [n.filedAt.getTime(), n.id],
    (n) => noticeView(n, now),
  );
}
