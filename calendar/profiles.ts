/**
 * Jurisdiction profiles: the statutory durations (in working days) of each procedure, reminder
 * policy and optional regional rest days. Other provinces implement the same national rules
 * (国发〔2016〕51号) with their own numbers, hence data rather than constants in workflows.
 */
import { PROCEDURE_CODES, PROCEDURES, type ProcedureCode } from '../procedures';
import type { RegionalRestDay } from './engine';
import { CalendarInputError } from './errors';

export interface PhaseLimit {
  /** Machine code of the phase, e.g. 'answer', 'report'. */
  phase: string;
  workingDays: number;
  /** Chinese description for people. */
  label: string;
}

export interface ProcedureLimits {
  code: ProcedureCode;
  name: string;
  article: string;
  phases: readonly PhaseLimit[];
}

export interface ReminderPolicy {
  /** Remind at the end of working day floor(N / 2). */
  atHalfPeriod: boolean;
  /** Remind at the end of working day N-1, i.e. when the last working day begins. */
  oneWorkingDayBefore: boolean;
}

export interface JurisdictionProfile {
  id: string;
  name: string;
  region: string;
  /** Document number of the regulation the durations come from. */
  basis: string;
  procedures: Readonly<Record<ProcedureCode, ProcedureLimits>>;
  reminders: ReminderPolicy;
  regionalRestDays: readonly RegionalRestDay[];
  /**
   * How far back (in working days before it is recorded) a department system may claim to have received a
   * request. A backdated receipt shortens the other party's time, so it is a claim to be limited and shown.
   */
  maxBackdateWorkingDays: number;
  /**
   * Supervision grace period (督办宽限期): a department whose case is overdue by more than this many working
   * days shows a red light (亮灯) on the workbench; overdue within it, yellow.
   */
  supervisionGraceWorkingDays: number;
}

/** The grace period when a profile sets none: one working week. */
export const DEFAULT_SUPERVISION_GRACE_WORKING_DAYS = 5;

export const DEFAULT_PROFILE_ID = 'nmg-2018';

/** Each procedure with its module's name, article and default phases. */
function defaultLimits(): Record<ProcedureCode, ProcedureLimits> {
  const entries = PROCEDURE_CODES.map((code) => {
    const p = PROCEDURES[code];
    return [code, { code, name: p.name, article: p.article, phases: p.phases }] as const;
  });
  return Object.fromEntries(entries) as Record<ProcedureCode, ProcedureLimits>;
}

const NMG_2018: JurisdictionProfile = {
  id: 'nmg-2018',
  name: '内蒙古自治区政务信息资源共享管理暂行办法',
  region: '内蒙古自治区',
  basis: '内政发〔2018〕23号',
  // the durations 内政发〔2018〕23号 sets are the procedure modules' defaults
  procedures: defaultLimits(),
  reminders: { atHalfPeriod: true, oneWorkingDayBefore: true },
  // The autonomous region has no extra office closures beyond the State Council arrangement.
  regionalRestDays: [],
  // the regulation sets no figure: two working weeks covers a request entered after a holiday or an outage
  maxBackdateWorkingDays: 10,
  // the regulation sets no figure: one working week past the deadline before the light turns red
  supervisionGraceWorkingDays: DEFAULT_SUPERVISION_GRACE_WORKING_DAYS,
};

const PROFILES: ReadonlyMap<string, JurisdictionProfile> = new Map([[NMG_2018.id, NMG_2018]]);

export function listProfiles(): JurisdictionProfile[] {
  return [...PROFILES.values()];
}

export function getProfile(id: string = DEFAULT_PROFILE_ID): JurisdictionProfile {
  const p = PROFILES.get(id);
  if (!p) {
    throw new CalendarInputError(
      'unknown_profile',
      `未知的辖区配置：“${id}”，可用：${[...PROFILES.keys()].join('、')}`,
      'profile',
    );
  }
  return p;
}

/** The answering party's limit: the procedure's answer phase (P4's report window is checked at the start). */
export function answerWorkingDays(profile: JurisdictionProfile, procedure: ProcedureCode): number {
  return durationOf(profile, procedure, PROCEDURES[procedure].answerPhase);
}

/** Working days of a procedure phase; the first (or only) phase when `phase` is omitted. */
export function durationOf(profile: JurisdictionProfile, procedure: ProcedureCode, phase?: string): number {
  const proc = profile.procedures[procedure];
  const limit = phase === undefined ? proc?.phases[0] : proc?.phases.find((p) => p.phase === phase);
  if (!limit) {
    throw new CalendarInputError(
      'unknown_phase',
      `配置 ${profile.id} 中没有 ${procedure}${phase ? ` 的阶段 ${phase}` : ''}`,
      'phase',
    );
  }
  return limit.workingDays;
}

/** Working-day numbers k at whose end reminders fire for an N-day period (deduplicated, ascending). */
export function reminderWorkingDays(policy: ReminderPolicy, n: number): number[] {
  const ks = new Set<number>();
  if (policy.atHalfPeriod && Math.floor(n / 2) >= 1) ks.add(Math.floor(n / 2));
  if (policy.oneWorkingDayBefore && n - 1 >= 1) ks.add(n - 1);
  return [...ks].sort((a, b) => a - b);
}
