/** How the pages write dates and numbers: 2026年3月4日, Beijing time, whatever the server's zone. */
import { PROCEDURES, type ProcedureCode } from '../procedures';

const BEIJING_MS = 8 * 3_600_000;

/** `2026-03-04` → `2026年3月4日` */
export function chineseDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** An instant as its Beijing day: `2026年3月4日`. */
export function chineseDay(at: Date): string {
  return chineseDate(new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 10));
}

/** An instant with its Beijing time: `2026年3月4日 09:05`. */
export function chineseDateTime(at: Date): string {
  const b = new Date(at.getTime() + BEIJING_MS).toISOString();
  return `${chineseDate(b.slice(0, 10))} ${b.slice(11, 16)}`;
}

export function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

export function procedureLabel(code: ProcedureCode): string {
  const p = PROCEDURES[code];
  return `${p.name} (${p.article})`;
}
