/**
 * Share grants (第二十条: a consumer department may use a resource within the scope and purpose granted).
 * The workflows' projection writes a grant when a share is approved, agreed or decided; here grants are read
 * and revoked. A department sees the grants it uses and those on its own resources; only the provider (or an
 * administrator) revokes, since only the provider answers for its data.
 */
import type { Db, Prisma } from '../prisma/client';
import { appendAudit } from '../audit/log';
import { grantStateOf, shanghaiTime, type GrantState } from './access-decision';
import { AccessDenied, type Actor } from './actor';
import { DomainError } from './errors';
import { decodeTimeCursor, pageFrom } from './paging';
import { sharedResourceWhere, stopStateOf } from './registry/resource-stop';
import { departmentInScope, scopeOf, type Scope } from './supervision-scope';

export interface GrantDeps {
  db: Db;
  now?: () => Date;
}

const clockOf = (deps: GrantDeps) => deps.now?.() ?? new Date();

/** What a grant row needs around it to be shown and judged: its resource and that resource's stop notices. */
export const grantInclude = {
  resource: {
    select: {
      name: true,
      providerDepartmentId: true,
      status: true,
      stopNotices: { select: { effectiveAt: true, withdrawnAt: true, reason: true } },
    },
  },
} satisfies Prisma.GrantInclude;
type GrantRow = Prisma.GrantGetPayload<{ include: typeof grantInclude }>;

export interface GrantRecord {
  id: string;
  caseId: string | null;
  resourceId: string;
  resourceName: string;
  providerDepartmentId: string;
  consumerDepartmentId: string;
  scope: string;
  purpose: string;
  validUntil: Date | null;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokeReason: string | null;
  /** not revoked, not expired, and the resource still shared */
  active: boolean;
  state: GrantState;
}

export function grantRecord(g: GrantRow, now: Date): GrantRecord {
  const state = grantStateOf(g, stopStateOf(g.resource, g.resource.stopNotices, now).stopped, now);
  return {
    id: g.id,
    caseId: g.caseId,
    resourceId: g.resourceId,
    resourceName: g.resource.name,
    providerDepartmentId: g.resource.providerDepartmentId,
    consumerDepartmentId: g.consumerDepartmentId,
    scope: g.scope,
    purpose: g.purpose,
    validUntil: g.validUntil,
    createdAt: g.createdAt,
    revokedAt: g.revokedAt,
    revokedBy: g.revokedBy,
    revokeReason: g.revokeReason,
    active: state === 'active',
    state,
  };
}

/**
 * A department sees the grants it uses and the grants on its own resources; a 盟市 supervisor those whose
 * consumer or provider is in its scope (core/supervision-scope.ts); regional oversight and admins all.
 */
function visibilityOf(s: Scope): Prisma.GrantWhereInput {
  if (s === 'all') return {};
  const ids = [...s];
  return { OR: [{ consumerDepartmentId: { in: ids } }, { resource: { providerDepartmentId: { in: ids } } }] };
}

/** The `active` filter in SQL (not after the page is cut), so pages stay full and cursors stay valid. */
function activeWhere(now: Date): Prisma.GrantWhereInput {
  return {
    revokedAt: null,
    OR: [{ validUntil: null }, { validUntil: { gt: now } }],
    resource: sharedResourceWhere(now),
  };
}

export interface GrantFilter {
  resource?: string;
  consumer?: string;
  active?: boolean;
  cursor?: string;
  limit: number;
}

/** The grants the actor may see, newest first. */
export async function listGrants(
  deps: GrantDeps,
  actor: Actor,
  q: GrantFilter,
): Promise<{ items: GrantRecord[]; nextCursor: string | null }> {
  const now = clockOf(deps);
  const and: Prisma.GrantWhereInput[] = [visibilityOf(await scopeOf(deps.db, actor))];
  if (q.resource) and.push({ resourceId: q.resource });
  if (q.consumer) and.push({ consumerDepartmentId: q.consumer });
  if (q.active === true) and.push(activeWhere(now));
  if (q.active === false) and.push({ NOT: activeWhere(now) });
  if (q.cursor) {
    // newest first: the next page holds what is older than the last item shown
    const { at: createdAt, id } = decodeTimeCursor(q.cursor);
    and.push({ OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] });
  }
  const rows = await deps.db.grant.findMany({
    where: { AND: and },
    include: grantInclude,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: q.limit + 1,
  });
  return pageFrom(
    rows,
    q.limit,
    (g) => [g.createdAt.toISOString(), g.id],
    (g) => grantRecord(g, now),
  );
}

/** Not-yours and nonexistent look the same (404), so grant ids do not leak; the attempt is still denied. */
async function loadVisible(deps: GrantDeps, actor: Actor, id: string): Promise<GrantRow> {
  const notFound = new DomainError('not_found', 'grant_not_found', `共享授权 ${id} 不存在`);
  const row = await deps.db.grant.findUnique({ where: { id }, include: grantInclude });
  if (!row) throw notFound;
  const scope = await scopeOf(deps.db, actor);
  const visible =
    departmentInScope(scope, row.consumerDepartmentId) ||
    departmentInScope(scope, row.resource.providerDepartmentId);
  if (!visible) throw new AccessDenied('grant of other departments', { grantId: id }, notFound);
  return row;
}

export async function getGrant(deps: GrantDeps, actor: Actor, id: string): Promise<GrantRecord> {
  const row = await loadVisible(deps, actor, id);
  return grantRecord(row, clockOf(deps));
}

/** Revokes a grant: from now on the consumer may not use the resource on its basis. */
export async function revokeGrant(
  deps: GrantDeps,
  actor: Actor,
  id: string,
  reason: string,
): Promise<GrantRecord> {
  const row = await loadVisible(deps, actor, id);
  const provider = actor.role === 'DEPARTMENT' && row.resource.providerDepartmentId === actor.departmentId;
  if (!provider && actor.role !== 'ADMIN') {
    // the consumer sees its grant but only the provider answers for its data
    throw new AccessDenied('只有信息资源的提供部门 (或系统管理员) 才能撤销共享授权');
  }
  const already = (at?: Date) =>
    new DomainError(
      'conflict',
      'grant_already_revoked',
      `共享授权 ${row.id} 已${at ? `于 ${shanghaiTime(at)} ` : ''}撤销, 不能再次撤销`,
    );
  if (row.revokedAt) throw already(row.revokedAt);
  // the acting department for a department system; the client itself for an administrator
  const revokedBy = actor.role === 'DEPARTMENT' && actor.departmentId ? actor.departmentId : actor.clientId;
  const updated = await deps.db.$transaction(async (tx) => {
    // conditional update: of two concurrent revokes exactly one wins, the other gets 409 and writes nothing
    const won = await tx.grant.updateMany({
      where: { id: row.id, revokedAt: null },
      data: { revokedAt: clockOf(deps), revokedBy, revokeReason: reason },
    });
    if (won.count === 0) throw already();
    await appendAudit(tx, {
      actor: actor.clientId,
      action: 'grant_revoked',
      target: row.id,
      data: {
        grantId: row.id,
        caseId: row.caseId,
        resourceId: row.resourceId,
        consumerDepartmentId: row.consumerDepartmentId,
        revokedBy,
        reason,
      },
    });
    return tx.grant.findUniqueOrThrow({ where: { id: row.id }, include: grantInclude });
  });
  return grantRecord(updated, clockOf(deps));
}
