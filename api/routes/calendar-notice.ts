import { z } from 'zod';
import type { AppDeps } from '../deps';
import type { ApiBuilder } from '../endpoint';
import { loadCalendarNotice } from '../../core/calendar/notice';
import {
  calendarWork,
  expectedVersionBody,
  loadResultSchema,
  putQuery,
  versionChangedProblem,
  yearParam,
} from './calendar';

const noticeBody = z
  .object({
    text: z.string().max(20_000).openapi({
      description:
        '通知全文, 按官网或转载稿原样粘贴 (标题、文号、各项安排、落款日期); 全角/半角标点、空格和换行均可',
      example:
        '国务院办公厅关于2027年部分节假日安排的通知\n国办发明电〔2026〕9号\n…\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n…\n国务院办公厅\n2026年11月3日',
    }),
    number: z.string().max(40).optional().openapi({
      description: '文号, 仅当所贴文本不含文号时填写 (新华社转载稿通常没有)',
      example: '国办发明电〔2026〕9号',
    }),
    date: z
      .string()
      .max(10)
      .optional()
      .openapi({ description: '成文日期 YYYY-MM-DD, 仅当文本没有落款日期时填写' }),
    expectedVersion: expectedVersionBody,
  })
  .strict();

const item = z.object({
  number: z.number().int().openapi({ description: '条目序号 (一、二、… 为 1、2、…)' }),
  name: z.string().optional(),
  sentences: z
    .array(
      z.object({
        text: z.string().openapi({ description: '原文句子 (规范化后)' }),
        effect: z
          .enum(['rest', 'work', 'extend', 'advice', 'text'])
          .openapi({ description: '放假 / 调休上班 / 延长假期 / 倡议 (不影响日历) / 无日期文字' }),
      }),
    )
    .openapi({ description: '该条的句子及各自的作用, 供与解析结果逐句对照' }),
  block: z
    .object({ name: z.string(), restDays: z.array(z.string()), workDays: z.array(z.string()) })
    .optional(),
  derivation: z.array(z.string()).openapi({ description: '超出字面日期的推导 (与周末连休、补休、延长)' }),
});

const noticeResult = loadResultSchema
  .extend({
    notice: z.object({
      kind: z
        .enum(['notice', 'amendment'])
        .openapi({ description: 'notice: 年度通知; amendment: 调整/延长通知' }),
      source: z.object({ title: z.string(), number: z.string(), date: z.string() }),
      items: z.array(item),
      arrangement: z
        .object({})
        .passthrough()
        .openapi({ allOf: [{ $ref: '#/components/schemas/CalendarArrangement' }] }),
      currentOrigin: z.enum(['loaded', 'bundled', 'none']).openapi({ description: '现行安排的来源' }),
      changes: z
        .array(
          z.object({
            from: z.string().openapi({ description: '起始日 YYYY-MM-DD' }),
            to: z.string().openapi({ description: '结束日 YYYY-MM-DD (含)' }),
            days: z.number().int(),
            before: z.string().openapi({ description: '这些日期现在是什么', example: '周日（休息）' }),
            after: z.string().openapi({ description: '加载后是什么', example: '调休上班（春节）' }),
            workingDelta: z
              .number()
              .int()
              .openapi({ description: '加载后工作日增减的天数 (负数为减少)', example: 1 }),
          }),
        )
        .openapi({
          description:
            '与现行日历 (已加载版本、内置官方数据或临时推算; 默认辖区配置) 相比有变化的日期, 相邻且变化相同的日期合为一段; 仅由暂定变为正式的日期不列',
        }),
    }),
  })
  .openapi('CalendarNoticeResult');

/**
 * Loading a year from the notice's text, the sibling of PUT /calendar/{year}: same dry run, same versioning.
 */
export function registerCalendarNoticeRoutes(api: ApiBuilder, deps: AppDeps): void {
  const storeDeps = { db: deps.db, temporal: deps.temporal, calendars: deps.calendars };
  api.add({
    method: 'post',
    path: '/calendar/{year}/notice',
    operationId: 'loadCalendarNotice',
    summary: '按国务院办公厅通知原文加载某年的节假日安排 (先以 dryRun=true 预演)',
    description:
      '请求体为通知全文。年度通知 (关于XXXX年部分节假日安排的通知) 取代该年现行安排; 调整或延长通知 (如关于调整2019年劳动节假期安排的通知) 在现行安排上追加。每一项都自我核对: 写明的共N天与推得的天数、括注的星期与日期、调休上班日须为周末; 不符时返回 400 invalid_notice, errors 中逐句列出。dryRun=true 时只预演: 返回逐句解析、与现行安排的差异和期限将移动的未结案件, 不保存; 确认时把预演的 previousVersion (或 none) 作为 expectedVersion 一并提交, 预演后若他人已加载新版本则拒绝 (409); 否则与 PUT /calendar/{year} 一样保存为新版本并通知受影响的案件重算。',
    tag: 'calendar',
    roles: ['ADMIN'],
    params: yearParam,
    query: putQuery,
    body: noticeBody,
    responses: {
      201: { description: '已保存为新版本, 并已通知受影响的案件', schema: noticeResult },
      200: { description: '预演 (dryRun=true): 未保存', schema: noticeResult },
    },
    problems: {
      400: '通知文本无法解析或自相矛盾 (invalid_notice, errors 逐句列出 code 与引用原句的 message), 年份超出范围 (invalid_year), 或解析结果未通过校验 (invalid_arrangement)',
      409: versionChangedProblem,
      413: '请求体过大',
    },
    async handle({ res, principal, params, query: q, body }) {
      const result = await calendarWork(() =>
        loadCalendarNotice(storeDeps, {
          year: params.year,
          text: body.text,
          number: body.number,
          date: body.date,
          loadedBy: principal.clientId,
          dryRun: q.dryRun,
          expectedVersion: body.expectedVersion,
        }),
      );
      res.status(q.dryRun ? 200 : 201).json(result);
    },
  });
}
