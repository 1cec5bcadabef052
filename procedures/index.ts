/**
 * The statutory procedures, one module each (article → module in one hop: P1–P3 第十九条, P4 第二十一条,
 * P5 第九条, P6 第三十六条, P7 第三十二条). Everything else — workflow rules, API schemas, mail texts, profiles, the read model — looks
 * procedures up here instead of keeping its own table.
 */
import { P1 } from './p1-conditional-request';
import { P2 } from './p2-negotiation';
import { P3 } from './p3-coordination';
import { P4 } from './p4-verification';
import { P5 } from './p5-catalog-update';
import { P6 } from './p6-rectification';
import { P7 } from './p7-report';
import type { Phase, ProcedureCode, ProcedureModule } from './types';

export * from './types';

export const PROCEDURES: Readonly<Record<ProcedureCode, ProcedureModule>> = { P1, P2, P3, P4, P5, P6, P7 };

export const PROCEDURE_CODES = Object.keys(PROCEDURES) as ProcedureCode[];

export function procedureOf(code: ProcedureCode): ProcedureModule {
  return PROCEDURES[code];
}

type DbEnum = ProcedureModule['dbEnum'];

/** The read model's enum value → the procedure code (undefined for a value no module owns). */
export function codeOfDbEnum(value: string): ProcedureCode | undefined {
  return PROCEDURE_CODES.find((c) => PROCEDURES[c].dbEnum === (value as DbEnum));
}

/** The phase a procedure's responsible party answers against. */
export function answerPhaseOf(code: ProcedureCode): Phase {
  const p = PROCEDURES[code];
  const phase = p.phases.find((ph) => ph.phase === p.answerPhase);
  if (!phase) throw new Error(`${code}: answer phase ${p.answerPhase} is not among its phases`);
  return phase;
}
export * from './p6-rectification';
export * from './p7-report';
