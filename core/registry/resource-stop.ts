/**
 * When a published resource stops being shared (第十八条): the provider files a stop notice with its reason,
 * in advance, with the management department; it takes effect by the clock. No job flips the stored status;
 * every reader (catalog, grants, access decisions, case starts) asks here. Pure rules, plus the one query.
 */
import type { Db, Prisma } from '../../prisma/client';
import { DomainError } from '../errors';
import { beijingInstant } from '../../calendar/dates';

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

/** Resources no longer shared at `now`: marked so, or a notice has taken effect. */
export function stoppedResourceWhere(now: Date): Prisma.ResourceWhereInput {
  return { OR: [{ status: 'STOPPED' }, { stopNotices: { some: effectiveStopWhere(now) } }] };
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

/**
 * "提前报备" names no period; one hour is our floor so that a notice is never filed for a stop that is
 * already happening, and the management department and consumers see it before it bites.
 */
export const STOP_MIN_ADVANCE_MS = 60 * 60_000;

/** A notice may take effect no earlier than STOP_MIN_ADVANCE_MS after it is filed. */
export function requireAdvance(effectiveAt: Date, now: Date): void {
  const earliest = new Date(now.getTime() + STOP_MIN_ADVANCE_MS);
  if (effectiveAt >= earliest) return;
  throw new DomainError(
    'unprocessable',
    'stop_not_in_advance',
    `停止共享须提前报备 (第十八条): 生效时间不得早于 ${STOP_MIN_ADVANCE_MS / 60_000} 分钟之后 (${beijingInstant(earliest)})`,
    {
      earliestEffectiveAt: beijingInstant(earliest),
      errors: [{ field: 'effectiveAt', code: 'too_soon', message: '生效时间须至少提前 1 小时' }],
    },
  );
}

/**
 * A resource takes a new notice while it is still shared and has no notice waiting to take effect (to move
 * the date, withdraw and file again). `live` holds at least its notices not withdrawn.
 */
export function requireFileable(
  resource: { id: string; status: 'PUBLISHED' | 'STOPPED' },
  live: readonly (StopNoticeLike & { id: string })[],
  now: Date,
): void {
  if (stopStateOf(resource, live, now).stopped) {
    throw new DomainError('conflict', 'resource_already_stopped', `信息资源 ${resource.id} 已停止共享`);
  }
  const pending = live.find((n) => noticeState(n, now) === 'pending');
  if (pending) {
    throw new DomainError(
      'conflict',
      'stop_notice_pending',
      `信息资源 ${resource.id} 已有一份将于 ${beijingInstant(pending.effectiveAt)} 生效的停止共享报备; 如需改期请先撤回`,
      { noticeId: pending.id },
    );
  }
}

/** A notice may be withdrawn until it takes effect, once. */
export function requireWithdrawable(n: Pick<StopNoticeLike, 'effectiveAt' | 'withdrawnAt'>, now: Date): void {
  if (n.withdrawnAt) throw new DomainError('conflict', 'notice_already_withdrawn', '这份报备已撤回');
  if (n.effectiveAt <= now) {
    throw new DomainError(
      'conflict',
      'stop_already_effective',
      `这份报备已于 ${beijingInstant(n.effectiveAt)} 生效, 不能撤回`,
    );
  }
}
