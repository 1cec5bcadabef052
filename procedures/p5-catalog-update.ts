/**
 * P5 目录更新 — 第九条: after a law or regulation is revised or a department's functions change, the department
 * updates its catalog within 15 working days.
 */
import type { ProcedureModule } from './types';

export const P5: ProcedureModule = {
  code: 'P5',
  name: '目录更新',
  article: '第九条',
  dbEnum: 'P5_CATALOG_UPDATE',
  idPrefix: 'ML',
  phases: [{ phase: 'update', workingDays: 15, label: '部门更新目录' }],
  answerPhase: 'update',
  actions: { catalog_updated: 'responsible' },
  outcomes: { catalog_updated: 'updated' },
  mailNote: '请更新并发布本部门政务信息资源目录, 在系统中登记更新后的目录版本 (第九条)。',
};
