/**
 * A catalog entry as everyone reads it (第七条: the 基础/主题/部门 catalogs of 政务信息资源): the stored
 * resource with what the rules make of it now — its legal-basis status, whether it is still shared, the
 * stop waiting to take effect — and the loaders the resource use-cases share.
 */
import type { Prisma, Resource, StopSharingNotice } from '../../prisma/client';
import { DomainError } from '../errors';
import { iso, isoOrNull, type Tx } from './common';
import { legalBasisStatus, SHARE_TYPE_NAME, type LegalBasisStatus, type ShareType } from './legal-basis';
import { noticeState, stopStateOf, type NoticeState } from './resource-stop';

export const CATALOG_TYPES = ['BASIC', 'THEMATIC', 'DEPARTMENTAL'] as const;
export type CatalogType = (typeof CATALOG_TYPES)[number];
export const CATALOG_TYPE_NAME = { BASIC: '基础', THEMATIC: '主题', DEPARTMENTAL: '部门' } as const;
export const CLASSIFICATIONS = ['CLASSIFIED', 'NON_CLASSIFIED'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const STATUSES = ['PUBLISHED', 'STOPPED'] as const;
export type ResourceStatus = (typeof STATUSES)[number];

export interface StopNoticeView {
  id: string;
  resourceId: string;
  reason: string;
  filedAt: string;
  filedBy: string;
  effectiveAt: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  state: NoticeState;
}

export function noticeView(n: StopSharingNotice, now: Date): StopNoticeView {
  return {
    id: n.id,
    resourceId: n.resourceId,
    reason: n.reason,
    filedAt: iso(n.filedAt),
    filedBy: n.filedBy,
    effectiveAt: iso(n.effectiveAt),
    withdrawnAt: isoOrNull(n.withdrawnAt),
    withdrawnBy: n.withdrawnBy,
    state: noticeState(n, now),
  };
}

export interface ResourceView {
  id: string;
  name: string;
  description: string | null;
  providerDepartmentId: string;
  catalogType: CatalogType;
  catalogTypeName: (typeof CATALOG_TYPE_NAME)[CatalogType];
  shareType: ShareType;
  shareTypeName: (typeof SHARE_TYPE_NAME)[ShareType];
  classification: Classification;
  legalBasis: string | null;
  legalBasisStatus: LegalBasisStatus;
  legalBasisConfirmedAt: string | null;
  legalBasisConfirmedBy: string | null;
  legalBasisRejectedAt: string | null;
  legalBasisRejectedBy: string | null;
  legalBasisRejectReason: string | null;
  catalogVersion: number;
  status: ResourceStatus;
  /** a stop filed and not yet in effect */
  stopsAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ResourceDetailView extends ResourceView {
  stopNotices: StopNoticeView[];
}

/** `notices` must contain at least every notice not withdrawn. */
export function resourceView(r: Resource, notices: StopSharingNotice[], now: Date): ResourceView {
  const status = stopStateOf(r, notices, now).stopped ? 'STOPPED' : 'PUBLISHED';
  const next = notices
    .filter((n) => noticeState(n, now) === 'pending')
    .sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime())[0];
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    providerDepartmentId: r.providerDepartmentId,
    catalogType: r.catalogType,
    catalogTypeName: CATALOG_TYPE_NAME[r.catalogType],
    shareType: r.shareType,
    shareTypeName: SHARE_TYPE_NAME[r.shareType],
    classification: r.classification,
    legalBasis: r.legalBasis,
    legalBasisStatus: legalBasisStatus(r),
    legalBasisConfirmedAt: isoOrNull(r.legalBasisConfirmedAt),
    legalBasisConfirmedBy: r.legalBasisConfirmedBy,
    legalBasisRejectedAt: isoOrNull(r.legalBasisRejectedAt),
    legalBasisRejectedBy: r.legalBasisRejectedBy,
    legalBasisRejectReason: r.legalBasisRejectReason,
    catalogVersion: r.catalogVersion,
    status,
    stopsAt: status === 'PUBLISHED' && next ? iso(next.effectiveAt) : null,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

/** What resourceView needs of a resource's notices. */
export const liveNotices = { stopNotices: { where: { withdrawnAt: null } } } satisfies Prisma.ResourceInclude;

export const resourceNotFound = (id: string) =>
  new DomainError('not_found', 'resource_not_found', `目录中没有编码为 ${id} 的信息资源`);

/** The entry with every notice, newest first (withdrawn ones too: they are its history). */
export async function loadResource(tx: Tx, id: string, now: Date): Promise<ResourceDetailView> {
  const r = await tx.resource.findUnique({
    where: { id },
    include: { stopNotices: { orderBy: [{ filedAt: 'desc' }, { id: 'desc' }] } },
  });
  if (!r) throw resourceNotFound(id);
  return {
    ...resourceView(r, r.stopNotices, now),
    stopNotices: r.stopNotices.map((n) => noticeView(n, now)),
  };
}

export async function resourceOr404(tx: Tx, id: string): Promise<Resource> {
  const r = await tx.resource.findUnique({ where: { id } });
  if (!r) throw resourceNotFound(id);
  return r;
}

/** Row lock so concurrent changes to one resource (version bump, review, stop filing) serialise. */
export async function lockResource(tx: Tx, id: string): Promise<Resource> {
  await tx.$queryRaw`SELECT id FROM "Resource" WHERE id = ${id} FOR UPDATE`;
  return resourceOr404(tx, id);
}
