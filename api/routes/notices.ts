import { z } from 'zod';
import { noticeDepsOf, type AppDeps } from '../deps';
import { auditingDenials } from '../denials';
import { instantOutput, type ApiBuilder } from '../endpoint';
import { noticeDocx } from '../../documents/notice-docx';
import { noticeText } from '../../documents/notice';
import { DOCX_TYPE, noticeFileName } from '../../documents/files';
import { sendDocument } from '../download';
import {
  issueNotice,
  MAX_RECTIFICATION_WORKING_DAYS,
  noticeDocumentFor,
} from '../../core/oversight/rectification';
import { rectificationProposals } from '../../core/oversight/rectification-proposals';
import { RECTIFICATION_GROUNDS } from '../../procedures';
import { requireIdempotencyKey } from './cases';
import { idempotencyHeader } from './case-schemas';

const caseIdPath = z.object({ id: z.string().max(64).openapi({ example: 'ZG-2026-000001' }) });

const groundList = Object.entries(RECTIFICATION_GROUNDS)
  .map(([n, t]) => `${n}: ${t}`)
  .join('; ');

const noticeBody = z.object({
  departmentId: z.string().trim().min(1).max(64),
  grounds: z
    .array(z.number().int().min(1).max(6))
    .min(1, '至少选择一项通报事由')
    .max(6)
    .openapi({ description: `第三十六条所列情形 (可多选) — ${groundList}` }),
  facts: z.string().trim().min(1, '须写明主要事实').max(5000),
  evidenceCaseIds: z.array(z.string().max(64)).max(200).default([]),
  rectificationWorkingDays: z.number().int().min(1).max(MAX_RECTIFICATION_WORKING_DAYS).default(20),
  followsCaseId: z.string().max(64).optional(),
});

const noticeView = z.object({
  caseId: z.string(),
  number: z.string().openapi({ example: '内共享督〔2026〕3号' }),
  issuingDepartmentId: z.string(),
  issuingBody: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  grounds: z.array(z.number().int()),
  facts: z.string(),
  evidenceCaseIds: z.array(z.string()),
  rectificationWorkingDays: z.number().int(),
  followsCaseId: z.string().nullable(),
  issuedAt: instantOutput,
  deadline: z.string(),
  dueAt: instantOutput,
  provisional: z.boolean(),
  status: z.string(),
  stage: z.string(),
  overdue: z.boolean(),
  text: z.string().optional().openapi({ description: '通报全文 (纯文本, 与 .docx 同一内容)' }),
});

const proposal = z.object({
  caseId: z.string(),
  number: z.string(),
  departmentId: z.string(),
  departmentName: z.string(),
  deadline: z.string(),
  overdueAt: instantOutput.nullable(),
  grounds: z.array(z.number().int()),
  facts: z.string(),
});

/** 书面通报、限期整改 (第三十六条, P6): issue, read, print; the steps are case actions (POST /cases/{id}/actions). */
export function registerNoticeRoutes(api: ApiBuilder, deps: AppDeps): void {
  const { db } = deps;
  const notFound = { 404: '书面通报不存在或不在本级督促检查范围内 (二者不作区分)' };

  api.add({
    method: 'post',
    path: '/notices',
    operationId: 'issueNotice',
    summary: '发出书面通报并责令限期整改 (第三十六条): 编号、通报事由、主要事实、逾期案件依据、整改期限',
    description:
      '只有督促检查方可以发出; 盟市督促检查方只能通报本盟市及所辖旗县的部门 (第十条)。必须带 Idempotency-Key: 重试返回同一通报, 不会重复编号。',
    tag: 'notices',
    roles: ['SUPERVISOR'],
    headers: idempotencyHeader,
    body: noticeBody,
    responses: {
      201: { description: '通报已发出, 整改流程已启动', schema: noticeView },
      200: { description: '同一 Idempotency-Key 的重试: 返回已发出的通报', schema: noticeView },
    },
    problems: {
      422: '部门不存在或不在本级范围内、通报事由无效、依据案件不是该部门的逾期案件、整改期限超出范围, 或 Idempotency-Key 已用于内容不同的请求',
    },
    async handle({ req, res, principal: p, body }) {
      const key = requireIdempotencyKey(req);
      const { created, notice } = await auditingDenials(db, req, p, () =>
        issueNotice(noticeDepsOf(deps), p, key, body),
      );
      res
        .status(created ? 201 : 200)
        .location(`/api/v1/notices/${notice.caseId}`)
        .json(notice);
    },
  });

  api.add({
    method: 'get',
    path: '/notices/{id}',
    operationId: 'getNotice',
    summary: '读取书面通报及其全文 (被通报部门和本级督促检查方可见)',
    tag: 'notices',
    roles: ['DEPARTMENT', 'SUPERVISOR', 'ADMIN'],
    params: caseIdPath,
    responses: { 200: { description: '书面通报', schema: noticeView } },
    problems: notFound,
    async handle({ req, res, principal: p, params }) {
      const { view, document } = await auditingDenials(db, req, p, () =>
        noticeDocumentFor(deps, p, params.id),
      );
      res.json({ ...view, text: noticeText(document) });
    },
  });

  api.add({
    method: 'get',
    path: '/notices/{id}/document',
    operationId: 'getNoticeDocument',
    summary: '下载书面通报 (.docx, 公文格式)',
    tag: 'notices',
    roles: ['DEPARTMENT', 'SUPERVISOR', 'ADMIN'],
    params: caseIdPath,
    responses: { 200: { description: 'Word 文档', contentType: DOCX_TYPE } },
    problems: notFound,
    async handle({ req, res, principal: p, params }) {
      const { view, document } = await auditingDenials(db, req, p, () =>
        noticeDocumentFor(deps, p, params.id),
      );
      sendDocument(res, await noticeDocx(document), DOCX_TYPE, noticeFileName(view), 'docx');
    },
  });

  api.add({
    method: 'get',
    path: '/notice-proposals',
    operationId: 'listNoticeProposals',
    summary: '建议再次通报: 整改逾期且尚未跟进的书面通报 (第三十六条第 (五) 项), 仅为建议',
    tag: 'notices',
    roles: ['SUPERVISOR'],
    responses: { 200: { description: '建议列表', schema: z.object({ items: z.array(proposal) }) } },
    async handle({ res, principal: p }) {
      res.json({ items: await rectificationProposals(deps, p) });
    },
  });
}
