/**
 * 第二十条 access decisions: may department X use resource Y for purpose Z now? A pure function, so every
 * rule behind the answer (share types of 第十三、十九条, stops of 第十八条, purposes) is testable without a
 * database; ./decide-access.ts loads the rows, asks here and logs each answer.
 */

import { stopStateOf } from './registry/resource-stop';

export type ShareType = 'UNCONDITIONAL' | 'CONDITIONAL' | 'NOT_SHARED';

export const DECISION_CODES = [
  'own_resource',
  'unconditional',
  'granted',
  'resource_stopped',
  'no_grant',
  'not_shared',
  'purpose_not_granted',
  'grant_expired',
  'grant_revoked',
] as const;
export type DecisionCode = (typeof DECISION_CODES)[number];

export interface DecisionResource {
  id: string;
  name: string;
  shareType: ShareType;
  providerDepartmentId: string;
  status: 'PUBLISHED' | 'STOPPED';
}

export interface DecisionStopNotice {
  effectiveAt: Date;
  withdrawnAt: Date | null;
  reason: string;
}

export interface DecisionGrant {
  id: string;
  caseId: string | null;
  purpose: string;
  scope: string;
  validUntil: Date | null;
  createdAt: Date;
  revokedAt: Date | null;
  revokeReason: string | null;
}

export interface Decision<G extends DecisionGrant> {
  allowed: boolean;
  code: DecisionCode;
  /** Chinese, for the person reading the answer */
  reason: string;
  /** the grant that allows the use; null when none does */
  grant: G | null;
  /** the grant the decision rests on, allowing or lapsed (for the log) */
  basisGrantId: string | null;
  /** purposes of this department's active grants on the resource: shows why another purpose is refused */
  grantedPurposes: string[];
}

/**
 * Purposes are free text typed by people on both sides; equal meaning must not fail on a full-width comma or a
 * double space. NFKC folds full-width ASCII forms (，（）Ａ１ and the ideographic space) to their half-width
 * equivalents; then whitespace is collapsed and Latin letters lower-cased. Chinese punctuation without a
 * half-width form (、。) is kept: it may carry meaning.
 */
export function normalisePurpose(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

export type GrantState = 'active' | 'revoked' | 'expired' | 'resource_stopped';

export function grantStateOf(
  g: Pick<DecisionGrant, 'revokedAt' | 'validUntil'>,
  resourceStopped: boolean,
  now: Date,
): GrantState {
  if (g.revokedAt) return 'revoked';
  if (g.validUntil && g.validUntil <= now) return 'expired';
  if (resourceStopped) return 'resource_stopped';
  return 'active';
}

/** Shanghai wall-clock time for Chinese messages: the people reading them work in that time zone. */
export function shanghaiTime(d: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const v = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${v('year')}-${v('month')}-${v('day')} ${v('hour')}:${v('minute')}`;
}

export interface DecisionInput<G extends DecisionGrant> {
  departmentId: string;
  resource: DecisionResource;
  stopNotices: readonly DecisionStopNotice[];
  /** every grant of this department on this resource, whatever its state */
  grants: readonly G[];
  purpose: string;
  now: Date;
}

const newestFirst = (a: DecisionGrant, b: DecisionGrant) => b.createdAt.getTime() - a.createdAt.getTime();

export function decideAccess<G extends DecisionGrant>(input: DecisionInput<G>): Decision<G> {
  const { departmentId: dept, resource: r, now } = input;
  const label = `${r.id}「${r.name}」`;
  const stop = stopStateOf(r, input.stopNotices, now);
  const upcoming =
    !stop.stopped && stop.at ? `; 注意: 该资源已备案将于 ${shanghaiTime(stop.at)} 停止共享 (第十八条)` : '';
  const no = (code: DecisionCode, reason: string, basisGrantId: string | null = null): Decision<G> => ({
    allowed: false,
    code,
    reason,
    grant: null,
    basisGrantId,
    grantedPurposes: [],
  });

  // A department's own data is not shared to it: neither share type nor a stop of sharing (第十八条 stops
  // providing to others) limits its own use.
  if (r.providerDepartmentId === dept) {
    return {
      allowed: true,
      code: 'own_resource',
      reason: `${dept} 是 ${label} 的提供部门, 使用本部门的信息资源无须共享授权`,
      grant: null,
      basisGrantId: null,
      grantedPurposes: [],
    };
  }
  if (stop.stopped) {
    const when = stop.at ? `已于 ${shanghaiTime(stop.at)} ` : '已';
    const why = stop.reason ? `, 理由: ${stop.reason}` : '';
    return no('resource_stopped', `${label} ${when}停止共享 (第十八条)${why}; 已有授权也不能再使用`);
  }
  if (r.shareType === 'UNCONDITIONAL') {
    return {
      allowed: true,
      code: 'unconditional',
      reason: `${label} 为无条件共享资源, 可在共享交换平台直接获取 (第十三、十九条); 本次获取已记入查询日志 (第二十四条), 仍只能用于所述用途 (第二十条)${upcoming}`,
      grant: null,
      basisGrantId: null,
      grantedPurposes: [],
    };
  }

  const wanted = normalisePurpose(input.purpose);
  const grants = [...input.grants].sort(newestFirst);
  const stateOf = (g: G) => grantStateOf(g, false, now);
  const active = grants.filter((g) => stateOf(g) === 'active');
  const matching = grants.filter((g) => normalisePurpose(g.purpose) === wanted);
  const usable = matching.find((g) => stateOf(g) === 'active');
  const grantedPurposes = [...new Set(active.map((g) => g.purpose))];

  if (usable) {
    const until = usable.validUntil ? `, 有效期至 ${shanghaiTime(usable.validUntil)}` : '';
    const from = usable.caseId ? ` (案件 ${usable.caseId})` : '';
    return {
      allowed: true,
      code: 'granted',
      reason: `依据共享授权 ${usable.id}${from}, 可在「${usable.purpose}」用途内使用 ${label}, 共享范围: ${usable.scope}${until}${upcoming}`,
      grant: usable,
      basisGrantId: usable.id,
      grantedPurposes,
    };
  }
  // the grant for exactly this purpose existed but has lapsed: say which and why
  const lapsed = matching[0];
  if (lapsed?.revokedAt) {
    const why = lapsed.revokeReason ? `, 理由: ${lapsed.revokeReason}` : '';
    return no(
      'grant_revoked',
      `${dept} 对 ${label} 用于「${lapsed.purpose}」的授权 ${lapsed.id} 已于 ${shanghaiTime(lapsed.revokedAt)} 撤销${why}`,
      lapsed.id,
    );
  }
  if (lapsed?.validUntil) {
    return no(
      'grant_expired',
      `${dept} 对 ${label} 用于「${lapsed.purpose}」的授权 ${lapsed.id} 已于 ${shanghaiTime(lapsed.validUntil)} 到期; 继续使用应重新申请`,
      lapsed.id,
    );
  }
  if (grantedPurposes.length > 0) {
    return {
      ...no(
        'purpose_not_granted',
        `${dept} 对 ${label} 的授权用途为 ${grantedPurposes.map((p) => `「${p}」`).join('、')}, 不包括「${input.purpose.trim()}」; 共享信息只能按明确的使用用途使用, 不得用于其他目的 (第二十条)`,
      ),
      grantedPurposes,
    };
  }
  if (r.shareType === 'NOT_SHARED') {
    return no(
      'not_shared',
      `${label} 为不予共享资源, ${dept} 没有经协商或协调取得的有效授权; 因履行职责确需使用的, 应与提供部门协商 (第十九条)`,
    );
  }
  return no(
    'no_grant',
    `${label} 为有条件共享资源, ${dept} 没有有效的共享授权; 应通过共享交换平台向提供部门提出申请 (第十九条)`,
  );
}
