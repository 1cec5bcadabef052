import type { Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { auditingDenials } from '../denials';
import { ALL_ROLES, instantOutput, type ApiBuilder } from '../endpoint';
import { reportDocument, reportDocx, reportXlsx, type ReportDocument } from '../../core/reports/documents';
import {
  correctReport,
  getReport,
  listReports,
  MAX_NARRATIVE_LENGTH,
  type ReportDeps,
  type ReportView,
} from '../../core/reports/reports';
import { XLSX_TYPE } from '../../documents/files';
import { sendDocument } from '../download';
import { beijingInstant } from '../../calendar/dates';

/**
 * 第三十二条 reports over HTTP: the period's list, one report (live draft figures before submission, frozen
 * versions after), corrections, and the .docx/.xlsx downloads. Submitting is the case action `submit_report`
 * (POST /cases/{id}/actions). A 盟市 supervisor sees its own 盟市's report only (第十条): others are 404.
 */

const reportIdPath = z.object({ id: z.string().max(64).openapi({ example: 'BS-2026-000001' }) });
const versionQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .openapi({ description: '第几版; 缺省为现行版本 (未报送时为草稿)' }),
});
const periodQuery = z.object({
  period: z
    .string()
    .regex(/^\d{4}(H[12])?$/, '报送期间应为 2026H1、2026H2 或 2026')
    .optional()
    .openapi({ description: '报送期间, 缺省为最近一期' }),
});
export const correctionBody = z.object({
  narrative: z.string().trim().min(1, '不能为空').max(MAX_NARRATIVE_LENGTH),
});

const figures = z.record(z.unknown()).openapi({
  description: '报送数据 (type=department: 本部门; type=year_summary: 全区各部门及排名); 定义见 README',
});
const versionSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  replacesId: z.string().nullable(),
  narrative: z.string(),
  figures,
  figuresHash: z.string().openapi({ description: 'figures 规范化 JSON 的 SHA-256' }),
  submittedAt: instantOutput,
  submittedBy: z.string(),
});
const dept = z.object({ id: z.string(), name: z.string() });
const reportSchema = z
  .object({
    caseId: z.string(),
    kind: z.enum(['half_year', 'year']),
    period: z.string(),
    periodLabel: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    department: dept,
    receiver: dept.nullable(),
    status: z.enum(['OPEN', 'CLOSED']),
    stage: z.string(),
    deadline: z.string(),
    dueAt: instantOutput,
    overdue: z.boolean(),
    submittedAt: instantOutput.nullable(),
    submittedLate: z.boolean(),
    draft: figures.nullable().openapi({ description: '未报送时的实时数据; 报送后为 null' }),
    versions: z.array(versionSchema),
  })
  .openapi('Report');
const listSchema = z.object({
  period: z.string().nullable(),
  periodLabel: z.string().nullable(),
  periods: z.array(z.string()),
  items: z.array(
    z.object({
      caseId: z.string(),
      kind: z.enum(['half_year', 'year']),
      period: z.string(),
      department: dept,
      status: z.enum(['OPEN', 'CLOSED']),
      deadline: z.string(),
      dueAt: instantOutput,
      overdue: z.boolean(),
      submittedAt: instantOutput.nullable(),
      submittedLate: z.boolean(),
      versions: z.number().int(),
    }),
  ),
});

const iso = (d: Date | null) => (d ? beijingInstant(d) : null);

export function reportJson(v: ReportView) {
  return {
    ...v,
    dueAt: beijingInstant(v.dueAt),
    submittedAt: iso(v.submittedAt),
    versions: v.versions.map((x) => ({ ...x, submittedAt: beijingInstant(x.submittedAt) })),
  };
}

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Sends a report file under its Chinese name (API and workbench alike). */
export async function sendReportFile(res: Response, doc: ReportDocument, format: 'docx' | 'xlsx') {
  const body = format === 'docx' ? await reportDocx(doc) : await reportXlsx(doc);
  sendDocument(res, body, format === 'docx' ? DOCX_TYPE : XLSX_TYPE, doc.fileName, format);
}

export function registerReportRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
  const reports: ReportDeps = { db, calendars: deps.calendars, now: deps.now };
  const hidden = {
    404: '报送案件不存在, 或不在调用方可见范围内 (二者不作区分, report_not_found / case_not_found)',
  };

  api.add({
    method: 'get',
    path: '/reports',
    operationId: 'listReports',
    summary: '共享情况报送列表 (第三十二条): 某一期各部门报送情况',
    description: '部门只看到本部门的报送; 盟市督办只看到本盟市的; 自治区督办看到全部。',
    tag: 'reports',
    roles: ALL_ROLES,
    query: periodQuery,
    responses: { 200: { description: '该期报送', schema: listSchema } },
    async handle({ res, principal, query }) {
      const list = await listReports(reports, principal, query);
      res.json({
        ...list,
        items: list.items.map((i) => ({
          ...i,
          dueAt: beijingInstant(i.dueAt),
          submittedAt: iso(i.submittedAt),
        })),
      });
    },
  });

  api.add({
    method: 'get',
    path: '/reports/{id}',
    operationId: 'getReport',
    summary: '一份报送: 报送前为系统预填的实时数据, 报送后为各版本的冻结数据',
    tag: 'reports',
    roles: ALL_ROLES,
    params: reportIdPath,
    responses: { 200: { description: '报送', schema: reportSchema } },
    problems: hidden,
    async handle({ req, res, principal, params }) {
      res.json(
        reportJson(await auditingDenials(db, req, principal, () => getReport(reports, principal, params.id))),
      );
    },
  });

  api.add({
    method: 'post',
    path: '/reports/{id}/corrections',
    operationId: 'correctReport',
    summary: '更正已报送的报告: 重新生成数据, 形成新版本并注明所更正的版本',
    description:
      '只有报送部门可以更正; 原版本不变。报送本身用 POST /cases/{id}/actions {"type":"submit_report"}。',
    tag: 'reports',
    roles: ['DEPARTMENT'],
    params: reportIdPath,
    body: correctionBody,
    responses: { 201: { description: '更正后的报送 (新版本在 versions 末尾)', schema: reportSchema } },
    problems: { ...hidden, 409: '报告尚未报送, 不能更正 (report_not_submitted)' },
    async handle({ req, res, principal, params, body }) {
      const view = await auditingDenials(db, req, principal, () =>
        correctReport(reports, principal, params.id, body),
      );
      res.status(201).json(reportJson(view));
    },
  });

  for (const format of ['docx', 'xlsx'] as const) {
    api.add({
      method: 'get',
      path: format === 'docx' ? '/reports/{id}/document.docx' : '/reports/{id}/figures.xlsx',
      operationId: format === 'docx' ? 'downloadReportDocx' : 'downloadReportXlsx',
      summary:
        format === 'docx' ? '下载报告 Word 文件 (说明和数据表)' : '下载报告数据 Excel 文件 (年度报告含排名)',
      tag: 'reports',
      roles: ALL_ROLES,
      params: reportIdPath,
      query: versionQuery,
      responses: {
        200: {
          description: format === 'docx' ? 'Word 文件' : 'Excel 文件',
          contentType: format === 'docx' ? DOCX_TYPE : XLSX_TYPE,
          schema: z.string().openapi({ format: 'binary' }),
        },
      },
      problems: { 404: `${hidden[404]}; 或没有该版本 (report_version_not_found)` },
      async handle({ req, res, principal, params, query }) {
        const view = await auditingDenials(db, req, principal, () =>
          getReport(reports, principal, params.id),
        );
        await sendReportFile(res, reportDocument(view, query.version), format);
      },
    });
  }
}
