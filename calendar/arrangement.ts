/**
 * A year's official holiday arrangement (国务院办公厅关于<year>年部分节假日安排的通知), its zod
 * schema, and the semantic checks a loaded arrangement must pass before the engine uses it.
 */
import { z } from 'zod';
import { formatDay, isWeekend, tryParseDate, weekday, WEEKDAY_ZH } from './dates';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export const sourceSchema = z
  .object({
    title: z.string().trim().min(1, '通知标题必填'),
    // e.g. 国办发明电〔2024〕12号; other issuers allowed, but the 〔year〕N号 shape is required.
    number: z
      .string()
      .trim()
      .regex(/〔\d{4}〕\d+号$/, '文号格式应如 国办发明电〔2024〕12号'),
    date: isoDate,
  })
  .strict();

export const holidayBlockSchema = z
  .object({
    name: z.string().trim().min(1, '假日名称必填'),
    /** Every official day off in the block, including the weekend days inside it. */
    restDays: z.array(isoDate).min(1, '放假日期不能为空'),
    /** Make-up working days (调休上班), always weekend days. */
    workDays: z.array(isoDate).default([]),
  })
  .strict();

export const amendmentSchema = z
  .object({
    source: sourceSchema,
    note: z.string().optional(),
    /** Blocks that replace the base block of the same name (or add a new one). */
    holidays: z.array(holidayBlockSchema).min(1, '调整通知至少包含一个假期'),
  })
  .strict();

export const yearArrangementSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    source: sourceSchema,
    notes: z.string().optional(),
    holidays: z.array(holidayBlockSchema).min(1, '至少包含一个假期'),
    amendments: z.array(amendmentSchema).optional(),
  })
  .strict();

export type ArrangementSource = z.infer<typeof sourceSchema>;
export type HolidayBlock = z.infer<typeof holidayBlockSchema>;
export type ArrangementAmendment = z.infer<typeof amendmentSchema>;
export type YearArrangement = z.infer<typeof yearArrangementSchema>;

export interface FieldError {
  /** Dotted path, e.g. holidays.1.workDays.0 */
  path: string;
  code: string;
  message: string;
}

export type ValidationResult = { ok: true; value: YearArrangement } | { ok: false; errors: FieldError[] };

/** Longest plausible block; the 2020 epidemic extension (10 days) is the longest so far. */
const MAX_BLOCK_DAYS = 15;

/** The blocks in force after applying amendments in order (same name = replaced). */
export function effectiveHolidays(a: YearArrangement): HolidayBlock[] {
  const byName = new Map<string, HolidayBlock>();
  for (const h of a.holidays) byName.set(h.name, h);
  for (const am of a.amendments ?? []) for (const h of am.holidays) byName.set(h.name, h);
  return [...byName.values()];
}

function zodCode(issue: z.ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.received === 'undefined' ? 'required' : 'invalid_type';
  if (issue.code === 'too_small') return 'too_small';
  if (issue.code === 'invalid_string') return 'invalid_format';
  return issue.code;
}

function zodMessage(issue: z.ZodIssue): string {
  if (issue.code === 'invalid_type')
    return issue.received === 'undefined' ? '必填字段缺失' : `类型错误，应为 ${issue.expected}`;
  if (issue.code === 'too_small' && issue.type === 'number') return `数值过小，最小为 ${issue.minimum}`;
  if (issue.code === 'too_big' && issue.type === 'number') return `数值过大，最大为 ${issue.maximum}`;
  if (issue.code === 'unrecognized_keys') return `存在未知字段：${issue.keys.join('、')}`;
  return /[\u4e00-\u9fff]/.test(issue.message) ? issue.message : `字段无效（${issue.message}）`;
}

/**
 * Validates an arrangement for `year`. Rules beyond the schema:
 * - every date is a real date inside the year; a block may start in December of the previous
 *   year (元旦 blocks such as 2018-12-30..2019-01-01 are announced in the next year's notice);
 * - a block's restDays are consecutive calendar days in ascending order, at most 15 days, and
 *   close at least one weekday (a block of weekend days only would change nothing);
 * - workDays are Saturdays or Sundays (make-up days are weekends by definition);
 * - no date appears twice, and no date is both a rest day and a make-up working day, both within
 *   the base notice and in the arrangement in force after amendments;
 * - source title mentions the year; notice dates are no later than the end of the year and
 *   amendments are not older than the base notice.
 */
export function validateArrangement(input: unknown, year: number): ValidationResult {
  const parsed = yearArrangementSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        path: i.path.join('.'),
        code: zodCode(i),
        message: zodMessage(i),
      })),
    };
  }
  const a = parsed.data;
  const errors: FieldError[] = [];
  const err = (path: string, code: string, message: string) => errors.push({ path, code, message });

  if (a.year !== year) err('year', 'year_mismatch', `年份 ${a.year} 与期望的 ${year} 不一致`);

  const first = tryParseDate(`${year - 1}-12-01`) as number;
  const last = tryParseDate(`${year}-12-31`) as number;

  const checkSource = (path: string, s: ArrangementSource): number | null => {
    if (!s.title.includes(String(year)))
      err(`${path}.title`, 'source_title_year', `通知标题未包含年份 ${year}`);
    const d = tryParseDate(s.date);
    if (d === null) err(`${path}.date`, 'invalid_date', `发布日期无效：${s.date}`);
    else if (d > last) err(`${path}.date`, 'source_date_after_year', `发布日期 ${s.date} 晚于 ${year} 年末`);
    return d;
  };
  const baseDate = checkSource('source', a.source);

  const checkBlocks = (path: string, blocks: HolidayBlock[]) => {
    const names = new Set<string>();
    blocks.forEach((b, bi) => {
      const bp = `${path}.${bi}`;
      if (names.has(b.name)) err(`${bp}.name`, 'duplicate_block', `假期名称重复：${b.name}`);
      names.add(b.name);
      const days: number[] = [];
      b.restDays.forEach((s, i) => {
        const d = tryParseDate(s);
        if (d === null) return err(`${bp}.restDays.${i}`, 'invalid_date', `日期无效：${s}`);
        if (d < first || d > last) {
          return err(
            `${bp}.restDays.${i}`,
            'date_outside_year',
            `放假日期 ${s} 不在 ${year} 年内（仅元旦可始于上年12月）`,
          );
        }
        days.push(d);
      });
      if (days.length === b.restDays.length) {
        for (let i = 1; i < days.length; i++) {
          if (days[i] !== days[i - 1] + 1) {
            err(
              `${bp}.restDays.${i}`,
              'rest_days_not_consecutive',
              `放假日期须为按顺序连续的日期：${b.restDays[i - 1]} 之后应为 ${formatDay(days[i - 1] + 1)}，实为 ${b.restDays[i]}`,
            );
            break;
          }
        }
        if (days.length > MAX_BLOCK_DAYS)
          err(
            `${bp}.restDays`,
            'rest_block_too_long',
            `放假天数 ${days.length} 超过 ${MAX_BLOCK_DAYS} 天，请核对`,
          );
        if (days.length > 0 && days.every(isWeekend))
          err(`${bp}.restDays`, 'rest_block_no_weekday', `假期“${b.name}”只包含周末，未放假任何工作日`);
      }
      b.workDays.forEach((s, i) => {
        const d = tryParseDate(s);
        if (d === null) return err(`${bp}.workDays.${i}`, 'invalid_date', `日期无效：${s}`);
        if (d < first || d > last)
          return err(`${bp}.workDays.${i}`, 'date_outside_year', `调休上班日期 ${s} 不在 ${year} 年内`);
        if (!isWeekend(d))
          err(
            `${bp}.workDays.${i}`,
            'workday_not_weekend',
            `调休上班日 ${s} 是${WEEKDAY_ZH[weekday(d)]}，调休上班日必须是周六或周日`,
          );
      });
    });
  };

  // Checks uniqueness and rest/work overlap over one set of blocks in force at the same time.
  const checkOverlap = (label: string, blocks: HolidayBlock[], pathOf: (bi: number) => string) => {
    const seen = new Map<string, string>();
    blocks.forEach((b, bi) => {
      for (const [kind, list] of [
        ['restDays', b.restDays],
        ['workDays', b.workDays],
      ] as const) {
        list.forEach((s, i) => {
          const prev = seen.get(s);
          const here = `${kind === 'restDays' ? '放假' : '调休上班'}（${b.name}）`;
          if (prev !== undefined) {
            const both = prev.startsWith('放假') !== (kind === 'restDays');
            err(
              `${pathOf(bi)}.${kind}.${i}`,
              both ? 'rest_and_work' : 'duplicate_date',
              both
                ? `${label}日期 ${s} 既是${prev}又是${here}`
                : `${label}日期 ${s} 重复出现：${prev}、${here}`,
            );
          } else seen.set(s, here);
        });
      }
    });
  };

  checkBlocks('holidays', a.holidays);
  checkOverlap('', a.holidays, (bi) => `holidays.${bi}`);
  (a.amendments ?? []).forEach((am, ai) => {
    const d = checkSource(`amendments.${ai}.source`, am.source);
    if (d !== null && baseDate !== null && d < baseDate) {
      err(
        `amendments.${ai}.source.date`,
        'amendment_before_source',
        `调整通知日期 ${am.source.date} 早于原通知 ${a.source.date}`,
      );
    }
    checkBlocks(`amendments.${ai}.holidays`, am.holidays);
  });
  if ((a.amendments ?? []).length > 0) {
    const eff = effectiveHolidays(a);
    checkOverlap('调整后', eff, (bi) => `effective.${eff[bi].name}`);
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: a };
}
