/**
 * When a published resource stops being shared (第十八条): a stop notice filed in advance takes effect by the
 * clock. No job flips the stored status; every reader (catalog, grants, access decisions, case starts) asks here.
 */
import type { Db, Prisma } from '../prisma/client';

export interface StopNoticeLike {
  effectiveAt: Date;
  withdrawnAt: Date | null;
  reason: string;
}

export type NoticeState = 'pending' | 'effective' | 'withdrawn';

export function noticeState(n: Pick<StopNoticeLike, 'effectiveAt' | 'withdrawnAt'>, now: Date): NoticeState {
  if (n.withdrawnAt) return 'withdrawn';
  return n.effectiveAt <= now ? 'effective' : 'pending';
}

/** The same rule as a query filter: notices in effect at `now`. */
export function effectiveStopWhere(now: Date): Prisma.StopSharingNoticeWhereInput {
  return { withdrawnAt: null, effectiveAt: { lte: now } };
}

/** Resources still shared at `now`. */
export function sharedResourceWhere(now: Date): Prisma.ResourceWhereInput {
  return { status: 'PUBLISHED', stopNotices: { none: effectiveStopWhere(now) } };
}

export interface StopState {
  stopped: boolean;
  /** when the stop took or takes effect */
  at?: Date;
  reason?: string;
}

/**
 * Stopped when marked STOPPED or when a notice has taken effect and was not withdrawn. A notice not yet in
 * effect is reported as upcoming (stopped: false, at set).
 */
export function stopStateOf(
  resource: { status: 'PUBLISHED' | 'STOPPED' },
  notices: readonly StopNoticeLike[],
  now: Date,
): StopState {
  const live = notices
    .filter((n) => !n.withdrawnAt)
    .sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime());
  const effective = live.filter((n) => n.effectiveAt <= now).pop();
  if (effective) return { stopped: true, at: effective.effectiveAt, reason: effective.reason };
  if (resource.status === 'STOPPED') return { stopped: true };
  const upcoming = live.find((n) => n.effectiveAt > now);
  return upcoming
    ? { stopped: false, at: upcoming.effectiveAt, reason: upcoming.reason }
    : { stopped: false };
}

export async function isResourceStopped(db: Db, resourceId: string, now = new Date()): Promise<boolean> {
  const shared = await db.resource.count({ where: { id: resourceId, ...sharedResourceWhere(now) } });
  return shared === 0;
}
