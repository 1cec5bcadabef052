import { z } from 'zod';
import type { AppDeps } from '../deps';
import { ALL_ROLES, instantOutput, type ApiBuilder } from '../endpoint';
import { Problem, boundedErrors, problemOf } from '../problem';
import { DomainError } from '../../core/errors';
import { yearArrangementSchema } from '../../calendar/arrangement';
import { CalendarInputError } from '../../calendar/errors';
import { DEFAULT_PROFILE_ID, getProfile } from '../../calendar/profiles';
import { betweenResponse, deadlineResponse } from '../../calendar/service';
import {
  deleteCalendarYear,
  fieldErrorsOf,
  loadCalendarYear,
  parseExpectedVersion,
} from '../../core/calendar/store';
import { dbCalendar, describeCalendarYear, getCalendarYearVersion } from '../../core/calendar/reading';
import { noticeErrorsOf } from '../../core/calendar/notice';

/** Calendar errors become problem+json with their own machine code; never a 500 for bad input. */
function toProblem(e: unknown): unknown {
  if (e instanceof DomainError) {
    const sentences = noticeErrorsOf(e);
    if (sentences) {
      const { detail, extra } = boundedErrors(e.detail, sentences);
      return new Problem(problemOf(e).status, e.code, detail, extra);
    }
    const errors = fieldErrorsOf(e);
    if (!errors) return problemOf(e);
    const fields = errors.map((x) => ({ field: x.path, code: x.code, message: x.message }));
    const { detail, extra } = boundedErrors(e.detail, fields);
    return new Problem(problemOf(e).status, e.code, detail, extra);
  }
  if (e instanceof CalendarInputError)
    return new Problem(400, e.code, e.detail, e.field ? { field: e.field } : {});
  return e;
}

/** Runs calendar work, mapping its errors (DomainError with field errors, CalendarInputError) to problems. */
export async function calendarWork<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toProblem(e);
  }
}

// ---- request shapes ----

const single = z.string().max(100);
const bool = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');
const profileParam = single
  .optional()
  .openapi({ description: '辖区配置 (地区休息日), 缺省为默认配置', example: DEFAULT_PROFILE_ID });

const deadlineQuery = z
  .object({
    from: single.openapi({
      description: '收件日 (YYYY-MM-DD) 或带时区的 ISO 时间; 收件日当天不计入期限',
      example: '2026-02-13',
    }),
    workingDays: single.openapi({ description: '期限工作日数 (1–366 的整数)', example: '5' }),
    profile: profileParam,
    explain: bool.openapi({ description: '为 true 时附逐日说明 (explanation)' }),
  })
  .strict();
const betweenQuery = z
  .object({
    from: single.openapi({ description: '起始日 (不计入), YYYY-MM-DD 或 ISO 时间', example: '2027-02-01' }),
    to: single.openapi({ description: '截止日 (计入), YYYY-MM-DD 或 ISO 时间', example: '2027-02-28' }),
    profile: profileParam,
  })
  .strict();
export const yearParam = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, '年份应为四位数字')
    .openapi({ description: '年份 (四位数字)', example: '2027' }),
});
const versionParam = yearParam.extend({
  version: z
    .string()
    .regex(/^\d{1,6}$/, '版本号应为正整数')
    .openapi({ description: '该年安排的版本号 (从 1 起)', example: '1' }),
});
const yearQuery = z.object({ profile: profileParam }).strict();
export const putQuery = z
  .object({ dryRun: bool.openapi({ description: '为 true 时只预演: 计算受影响的案件, 不保存' }) })
  .strict();
const expectedVersionDoc =
  '预演时的现行版本号 (预演结果的 previousVersion; 当时没有已加载的版本则为 none)。给出时, 若此后该年已被他人加载或撤销, 则拒绝保存 (409 calendar_version_changed), 避免覆盖别人的更改; 不给则不核对';
/** PUT's body is the arrangement itself (strict, as GET …/versions/{v} returns it), so the check rides in the query. */
const putWithVersionQuery = putQuery
  .extend({
    expectedVersion: z
      .string()
      .regex(/^(\d{1,6}|none)$/, '应为正整数或 none')
      .optional()
      .openapi({ description: expectedVersionDoc, example: 'none' }),
  })
  .strict();
export const expectedVersionBody = z
  .union([z.number().int().min(1), z.literal('none')])
  .optional()
  .openapi({ description: expectedVersionDoc, example: 'none' });
export const versionChangedProblem =
  '预演之后该年已被他人加载或撤销 (calendar_version_changed, 仅当给出 expectedVersion; detail 写明谁何时加载了哪一版, currentVersion 为现行版本), 或该年日历正被并发修改, 请重试 (calendar_year_conflict)';

/** The store's own schema for an arrangement, so the document shows exactly what a load accepts. */
const calendarArrangement = yearArrangementSchema.openapi('CalendarArrangement', {
  description:
    '一年的节假日安排 (国务院办公厅关于某年部分节假日安排的通知): 每个假期的全部放假日期 (restDays, 含其中的周末, 须连续) 和调休上班日 (workDays, 须为周六或周日); 发布后的调整通知放在 amendments 中, 同名假期以调整为准。',
});

/**
 * The PUT body is checked by the calendar store, which answers with its own codes (invalid_arrangement with
 * one entry per field, workday_not_weekend, year_mismatch …). The builder therefore must let any body
 * through; the document still refers to the store's schema above.
 */
const arrangementBody = z
  .unknown()
  .openapi({ allOf: [{ $ref: '#/components/schemas/CalendarArrangement' }] });

// ---- response shapes (the OpenAPI document is generated from these; contract tests check responses) ----

const date = z.string().openapi({ description: '日期 YYYY-MM-DD (北京时间)', example: '2026-02-24' });
const instant = instantOutput;
const calendarVersion = z
  .string()
  .openapi({ description: '所用日历的版本标识 (数据变化时随之变化)', example: 'cal-3f2a9c1e' });
const dayReason = z
  .enum(['workday', 'weekend', 'holiday', 'makeup_workday', 'regional_rest'])
  .openapi({ description: '工作日 / 周末 / 法定节假日 / 调休上班日 / 地区休息日' });

const explanationEntry = z.object({
  date,
  weekday: z.string().openapi({ example: '周六' }),
  counted: z.boolean().openapi({ description: '是否计入期限' }),
  workingDay: z.number().int().optional().openapi({ description: '第几个工作日 (仅计入的日期)' }),
  reason: z.enum(['receipt', 'workday', 'weekend', 'holiday', 'makeup_workday', 'regional_rest']),
  holidayName: z.string().optional(),
  provisional: z.boolean().openapi({ description: '该日按法定节假日推算 (官方安排尚未发布)' }),
  label: z.string().openapi({ description: '中文说明' }),
});

const deadlineSchema = z
  .object({
    deadline: date.openapi({ description: '期限届满日 (当日 24:00 截止)' }),
    dueAt: instant.openapi({
      description: '截止时刻: 期限届满日次日 00:00 北京时间',
      example: '2026-03-05T00:00:00.000+08:00',
    }),
    provisional: z.boolean().openapi({ description: '期限跨越尚未公布节假日安排的日期: 暂定' }),
    calendarVersion,
    explanation: z.array(explanationEntry).optional().openapi({ description: '逐日说明 (explain=true 时)' }),
  })
  .openapi('CalendarDeadline');

const betweenSchema = z
  .object({
    from: date,
    to: date,
    workingDays: z.number().int().openapi({ description: '(from, to] 内的工作日数' }),
    provisional: z.boolean(),
    calendarVersion,
  })
  .openapi('CalendarWorkingDays');

const dayInfo = z.object({
  date,
  working: z.boolean(),
  reason: dayReason,
  holidayName: z.string().optional(),
  provisional: z.boolean(),
});

const sourceSchema = z.object({ title: z.string(), number: z.string(), date: z.string() });

const versionView = z.object({
  version: z.number().int(),
  sourceNumber: z.string().openapi({ description: '通知文号' }),
  loadedAt: instant,
  loadedBy: z.string().openapi({ description: '加载该版本的客户端' }),
  supersededAt: instant.nullable().openapi({ description: '被新版本取代或撤销的时间; 现行版本为 null' }),
  current: z.boolean(),
});

const yearSchema = z
  .object({
    year: z.number().int(),
    status: z.enum(['official', 'provisional']).openapi({
      description: 'official: 按官方安排; provisional: 有日期按法定节假日推算 (官方安排尚未发布)',
    }),
    origin: z.enum(['loaded', 'bundled', 'fallback']).openapi({
      description: 'loaded: 管理员加载的安排; bundled: 内置的官方安排; fallback: 临时推算',
    }),
    source: sourceSchema.nullable().openapi({ description: '所依据的通知; 临时推算时为 null' }),
    currentVersion: z.number().int().nullable().openapi({ description: '现行加载版本; 未加载时为 null' }),
    versions: z.array(versionView),
    calendarVersion,
    profileId: z.string(),
    workingDays: z.number().int().openapi({ description: '全年工作日数' }),
    days: z.array(dayInfo).openapi({ description: '全年非普通的日期: 节假日、调休上班日、地区休息日' }),
  })
  .openapi('CalendarYear');

const yearVersionSchema = versionView
  .extend({ year: z.number().int(), arrangement: calendarArrangement })
  .openapi('CalendarYearVersion');

const caseEffect = z.object({
  caseId: z.string(),
  oldDeadline: date,
  newDeadline: date,
  shiftDays: z.number().int().openapi({ description: '期限移动的日历天数; 正数为推后' }),
  oldProvisional: z.boolean(),
  newProvisional: z.boolean(),
});
const caseError = z.object({ caseId: z.string(), code: z.string(), detail: z.string() });

export const loadResultSchema = z
  .object({
    year: z.number().int(),
    dryRun: z.boolean(),
    version: z.number().int().openapi({ description: '本次加载创建 (预演时为将要创建) 的版本号' }),
    previousVersion: z.number().int().nullable(),
    sourceNumber: z.string(),
    effect: z.object({
      checked: z.number().int().openapi({ description: '检查的未结案件数' }),
      affected: z.array(caseEffect).openapi({ description: '期限移动或暂定标记变化的案件' }),
      moved: z.number().int(),
      provisionalChanged: z.number().int(),
      storedMismatch: z
        .array(z.object({ caseId: z.string(), stored: date, computedByOld: date }))
        .openapi({ description: '存储的期限与按原日历计算的不一致 (数据陈旧或被手工修改)' }),
      errors: z.array(caseError),
    }),
    signalled: z.array(z.string()).openapi({ description: '已通知重算期限的案件' }),
    signalNotFound: z.array(z.string()),
    signalFailed: z.array(z.object({ caseId: z.string(), error: z.string() })),
  })
  .openapi('CalendarLoadResult');

const deleteResultSchema = z
  .object({ year: z.number().int(), supersededVersion: z.number().int() })
  .openapi('CalendarWithdrawResult');

function profileId(p: string | undefined): string {
  return getProfile(p ?? DEFAULT_PROFILE_ID).id;
}

/**
 * Working-day calendar: deadlines and counts for anyone with a key; administrators load or withdraw a year's
 * holiday arrangement (each load a new version; open cases it affects recompute their deadlines).
 */
export function registerCalendarRoutes(api: ApiBuilder, deps: AppDeps): void {
  const storeDeps = { db: deps.db, temporal: deps.temporal, calendars: deps.calendars };
  const badDate =
    '日期、工作日数或辖区配置无效 (如 invalid_date, invalid_working_days, unknown_profile), 或超出日历范围';
  api.registry.register('CalendarArrangement', calendarArrangement);

  api.add({
    method: 'get',
    path: '/calendar/deadline',
    operationId: 'calendarDeadline',
    summary: '计算期限: 自收件日起第 N 个工作日 (收件日不计)',
    tag: 'calendar',
    roles: ALL_ROLES,
    query: deadlineQuery,
    responses: { 200: { description: '期限届满日及截止时刻', schema: deadlineSchema } },
    problems: { 400: badDate },
    async handle({ res, query: q }) {
      res.json(
        await calendarWork(async () =>
          deadlineResponse(await dbCalendar(storeDeps, profileId(q.profile)), {
            from: q.from,
            workingDays: q.workingDays,
            profile: q.profile,
            explain: q.explain,
          }),
        ),
      );
    },
  });

  api.add({
    method: 'get',
    path: '/calendar/working-days',
    operationId: 'calendarWorkingDays',
    summary: '统计两个日期之间的工作日数 (起始日不计, 截止日计入)',
    tag: 'calendar',
    roles: ALL_ROLES,
    query: betweenQuery,
    responses: { 200: { description: '工作日数', schema: betweenSchema } },
    problems: { 400: `${badDate}; 或截止日早于起始日 (invalid_range)` },
    async handle({ res, query: q }) {
      res.json(
        await calendarWork(async () =>
          betweenResponse(await dbCalendar(storeDeps, profileId(q.profile)), { from: q.from, to: q.to }),
        ),
      );
    },
  });

  api.add({
    method: 'get',
    path: '/calendar/{year}',
    operationId: 'getCalendarYear',
    summary: '查看某年现行的节假日安排: 来源、版本、全年非普通日期',
    tag: 'calendar',
    roles: ALL_ROLES,
    params: yearParam,
    query: yearQuery,
    responses: { 200: { description: '该年的日历', schema: yearSchema } },
    problems: { 400: '年份超出日历范围 (invalid_year) 或辖区配置无效' },
    async handle({ res, params, query: q }) {
      res.json(await calendarWork(() => describeCalendarYear(storeDeps, params.year, profileId(q.profile))));
    },
  });

  api.add({
    method: 'get',
    path: '/calendar/{year}/versions/{version}',
    operationId: 'getCalendarYearVersion',
    summary: '查看某年节假日安排的某个已加载版本 (含被取代的版本)',
    tag: 'calendar',
    roles: ALL_ROLES,
    params: versionParam,
    responses: { 200: { description: '该版本及其安排原文', schema: yearVersionSchema } },
    problems: {
      400: '年份超出日历范围 (invalid_year) 或版本号无效',
      404: '该年没有这个版本 (calendar_version_not_found)',
    },
    async handle({ res, params }) {
      res.json(await calendarWork(() => getCalendarYearVersion(storeDeps, params.year, params.version)));
    },
  });

  api.add({
    method: 'put',
    path: '/calendar/{year}',
    operationId: 'loadCalendarYear',
    summary: '加载某年的节假日安排 (新版本取代现行版本), 受影响的未结案件随之重算期限',
    description:
      '请求体为该年的节假日安排 (CalendarArrangement), 由日历模块逐项校验: 有误时返回 400 invalid_arrangement, errors 中逐字段列出 (如 workday_not_weekend、year_mismatch)。dryRun=true 时只预演, 返回将受影响的案件而不保存。',
    tag: 'calendar',
    roles: ['ADMIN'],
    params: yearParam,
    query: putWithVersionQuery,
    body: arrangementBody,
    bodyRequired: true,
    responses: {
      201: { description: '已保存为新版本, 并已通知受影响的案件', schema: loadResultSchema },
      200: { description: '预演 (dryRun=true): 未保存', schema: loadResultSchema },
    },
    problems: {
      400: '请求体不是 JSON 对象或节假日安排无效 (invalid_arrangement, 逐字段列出), 年份超出范围 (invalid_year), 或 dryRun 取值无效',
      409: versionChangedProblem,
      413: '请求体过大',
    },
    async handle({ req, res, principal, params, query: q }) {
      // the raw body, as before: the store reports what is wrong with it
      const arrangement: unknown = req.body;
      if (
        arrangement === undefined ||
        arrangement === null ||
        typeof arrangement !== 'object' ||
        Array.isArray(arrangement)
      )
        throw new Problem(400, 'invalid_arrangement', '请求体应为 JSON 对象（年度节假日安排）');
      const result = await calendarWork(() =>
        loadCalendarYear(storeDeps, {
          year: Number(params.year),
          arrangement,
          loadedBy: principal.clientId,
          dryRun: q.dryRun,
          expectedVersion: parseExpectedVersion(q.expectedVersion),
        }),
      );
      res.status(q.dryRun ? 200 : 201).json(result);
    },
  });

  api.add({
    method: 'delete',
    path: '/calendar/{year}',
    operationId: 'withdrawCalendarYear',
    summary: '撤销某年已加载的节假日安排 (恢复内置安排或临时推算)',
    tag: 'calendar',
    roles: ['ADMIN'],
    params: yearParam,
    responses: { 200: { description: '已撤销, 返回被取代的版本号', schema: deleteResultSchema } },
    problems: {
      400: '年份超出日历范围 (invalid_year)',
      404: '该年没有已加载的节假日安排 (calendar_year_not_loaded)',
      409: '有未结案件的期限涉及该年, 不能撤销 (calendar_year_in_use; caseIds 列出其中最多 50 件)',
    },
    async handle({ res, principal, params }) {
      res.json(
        await calendarWork(() =>
          deleteCalendarYear(storeDeps, { year: Number(params.year), deletedBy: principal.clientId }),
        ),
      );
    },
  });
}
