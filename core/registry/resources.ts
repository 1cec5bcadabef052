/**
 * The resource catalog (第十三条: 无条件/有条件/不予共享): providers register and edit their entries, and the
 * management department reviews their legal bases (legal-basis.ts). Every real edit bumps catalogVersion;
 * an edit touching the basis or share type sends the basis back for review. Anyone with a key reads the
 * catalog; stop notices and their reasons only the provider, the management department and oversight.
 */
import { appendAudit } from '../../audit/log';
import type { Prisma } from '../../prisma/client';
import { AccessDenied, type Actor } from '../actor';
import { isUniqueViolation } from '../db-errors';
import { DomainError } from '../errors';
import { pageFrom } from '../paging';
import { isManagementDept, managementReviewer, requireActsFor } from './authority';
import {
  liveNotices,
  loadResource,
  lockResource,
  resourceOr404,
  resourceView,
  type CatalogType,
  type Classification,
  type ResourceDetailView,
  type ResourceStatus,
  type ResourceView,
} from './catalog';
import { changesOf, cursorId, nowOf, type IdPageQuery, type Page, type RegistryDeps } from './common';
import {
  decideLegalBasis,
  legalBasisStatus,
  needsReview,
  requireLegalBasis,
  UNREVIEWED,
  type LegalBasisDecision,
  type ShareType,
} from './legal-basis';
import { sharedResourceWhere, stoppedResourceWhere } from './resource-stop';

export interface ResourceQuery extends IdPageQuery {
  provider?: string;
  shareType?: ShareType;
  catalogType?: CatalogType;
  classification?: Classification;
  /** STOPPED includes resources whose stop notice has taken effect by now */
  status?: ResourceStatus;
}

export async function listResources(deps: RegistryDeps, q: ResourceQuery): Promise<Page<ResourceView>> {
  const now = nowOf(deps);
  const after = cursorId(q.cursor);
  const rows = await deps.db.resource.findMany({
    where: {
      AND: [
        q.provider ? { providerDepartmentId: q.provider } : {},
        q.shareType ? { shareType: q.shareType } : {},
        q.catalogType ? { catalogType: q.catalogType } : {},
        q.classification ? { classification: q.classification } : {},
        q.status === 'STOPPED'
          ? stoppedResourceWhere(now)
          : q.status === 'PUBLISHED'
            ? sharedResourceWhere(now)
            : {},
        after ? { id: { gt: after } } : {},
      ],
    },
    include: liveNotices,
    orderBy: { id: 'asc' },
    take: q.limit + 1,
  });
  return pageFrom(
    rows,
    q.limit,
    (r) => [r.id],
    (r) => resourceView(r, r.stopNotices, now),
  );
}

/**
 * Everyone sees status and stopsAt (consumers need to know when a resource stops); the notices themselves,
 * with their reasons, only those who see them in the stop-notice list too.
 */
export async function getResource(deps: RegistryDeps, actor: Actor, id: string): Promise<ResourceDetailView> {
  const detail = await loadResource(deps.db, id, nowOf(deps));
  const seesNotices =
    actor.role !== 'DEPARTMENT' ||
    actor.departmentId === detail.providerDepartmentId ||
    (await isManagementDept(deps.db, actor));
  return seesNotices ? detail : { ...detail, stopNotices: [] };
}

export interface NewResource {
  id: string;
  name: string;
  description?: string;
  /** required of administrators; a department registers its own resources */
  providerDepartmentId?: string;
  catalogType: CatalogType;
  shareType: ShareType;
  classification: Classification;
  legalBasis?: string;
}

/** The department a new resource belongs to: the caller's own, or the one an administrator names. */
function providerOf(actor: Actor, input: NewResource): string {
  if (actor.role === 'ADMIN') {
    if (input.providerDepartmentId) return input.providerDepartmentId;
    throw new DomainError(
      'invalid',
      'validation_failed',
      '请求参数有误: 管理员登记资源时必须指定 providerDepartmentId',
      {
        errors: [{ field: 'providerDepartmentId', code: 'required', message: '管理员登记资源时必填' }],
      },
    );
  }
  const provider = actor.departmentId ?? '';
  if (!provider || (input.providerDepartmentId && input.providerDepartmentId !== provider)) {
    throw new AccessDenied('部门业务系统只能登记本部门提供的信息资源');
  }
  return provider;
}

/** A basis a new 有条件/不予共享 entry must carry starts pending review. */
export async function createResource(
  deps: RegistryDeps,
  actor: Actor,
  input: NewResource,
): Promise<ResourceDetailView> {
  const provider = providerOf(actor, input);
  requireLegalBasis(input.shareType, input.legalBasis);
  const now = nowOf(deps);
  const taken = () => new DomainError('conflict', 'resource_exists', `资源编码 ${input.id} 已被使用`);
  return deps.db
    .$transaction(async (tx) => {
      if (!(await tx.department.findUnique({ where: { id: provider }, select: { id: true } }))) {
        throw new DomainError('unprocessable', 'unknown_department', `提供部门 ${provider} 不存在`, {
          errors: [{ field: 'providerDepartmentId', code: 'unknown', message: '部门不存在' }],
        });
      }
      if (await tx.resource.findUnique({ where: { id: input.id }, select: { id: true } })) throw taken();
      await tx.resource.create({
        data: {
          id: input.id,
          name: input.name,
          description: input.description,
          providerDepartmentId: provider,
          catalogType: input.catalogType,
          shareType: input.shareType,
          classification: input.classification,
          legalBasis: input.legalBasis,
        },
      });
      await appendAudit(tx, {
        actor: actor.clientId,
        action: 'resource_created',
        target: `resource:${input.id}`,
        data: {
          providerDepartmentId: provider,
          catalogType: input.catalogType,
          shareType: input.shareType,
          classification: input.classification,
          legalBasis: input.legalBasis ?? null,
        },
      });
      return loadResource(tx, input.id, now);
    })
    .catch((e: unknown) => {
      // the same id registered concurrently, past the check above
      if (isUniqueViolation(e)) throw taken();
      throw e;
    });
}

export interface ResourcePatch {
  name?: string;
  description?: string | null;
  catalogType?: CatalogType;
  shareType?: ShareType;
  classification?: Classification;
  legalBasis?: string | null;
}

/** Edits by the provider (or an administrator); a request that changes nothing writes nothing. */
export async function updateResource(
  deps: RegistryDeps,
  actor: Actor,
  id: string,
  patch: ResourcePatch,
): Promise<ResourceDetailView> {
  const owner = (await resourceOr404(deps.db, id)).providerDepartmentId;
  requireActsFor(actor, owner, '修改本部门提供的信息资源');
  const now = nowOf(deps);
  return deps.db.$transaction(async (tx) => {
    const cur = await lockResource(tx, id);
    const shareType = patch.shareType ?? cur.shareType;
    requireLegalBasis(shareType, patch.legalBasis !== undefined ? patch.legalBasis : cur.legalBasis);
    const changes = changesOf(patch, cur);
    if (Object.keys(changes).length === 0) return loadResource(tx, cur.id, now);
    const reconfirm = needsReview(shareType, {
      legalBasis: 'legalBasis' in changes,
      shareType: 'shareType' in changes,
    });
    const data: Prisma.ResourceUpdateInput = {
      ...patch,
      catalogVersion: { increment: 1 },
      ...(reconfirm ? UNREVIEWED : {}),
    };
    await tx.resource.update({ where: { id: cur.id }, data });
    await appendAudit(tx, {
      actor: actor.clientId,
      action: 'resource_updated',
      target: `resource:${cur.id}`,
      data: { changes, catalogVersion: cur.catalogVersion + 1, legalBasisReconfirm: reconfirm },
    });
    return loadResource(tx, cur.id, now);
  });
}

/** The management department's review of a basis: confirm, or reject with a reason. */
export async function reviewLegalBasis(
  deps: RegistryDeps,
  actor: Actor,
  id: string,
  decision: LegalBasisDecision,
): Promise<ResourceDetailView> {
  const by = await managementReviewer(deps.db, actor);
  const now = nowOf(deps);
  return deps.db.$transaction(async (tx) => {
    const r = await lockResource(tx, id);
    const marks = decideLegalBasis(r, decision, by, now);
    await tx.resource.update({ where: { id }, data: marks });
    await appendAudit(tx, {
      actor: actor.clientId,
      action: decision.confirm ? 'legal_basis_confirmed' : 'legal_basis_rejected',
      target: `resource:${id}`,
      data: {
        by,
        legalBasis: r.legalBasis,
        previous: legalBasisStatus(r),
        ...(decision.confirm ? {} : { reason: decision.reason }),
      },
    });
    return loadResource(tx, id, now);
  });
}
