/** How the pages write dates and numbers: 2026年3月4日, Beijing time, whatever the server's zone. */
export { chineseDate, chineseDateTime, chineseDay } from '../calendar/dates';
import { PROCEDURES, type ProcedureCode } from '../procedures';

export function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

/** `P1` → `有条件共享 (第十六条)`; a code no procedure has is shown as it is. */
export function procedureLabel(code: ProcedureCode | string): string {
  const p = PROCEDURES[code as ProcedureCode];
  return p ? `${p.name} (${p.article})` : code;
}

/** `2026-10` → `2026年10月` */
export function chineseMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${y}年${m}月`;
}

/** A number of working days for people: `2.5`, `—` when there is none. */
export function workingDaysText(n: number | null): string {
  if (n === null) return '—';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
