/**
 * P7 半年报送、年度报告 — 第三十二条: every half year each department and each 盟行政公署、市人民政府 reports how it
 * implements sharing and what sharing achieved to the coordination office's 组织推进组; by the end of January
 * the 组织推进组 submits the previous year's report. Opened by Temporal Schedules, one per period kind.
 */
import type { ProcedureModule } from './types';

export const P7: ProcedureModule = {
  code: 'P7',
  name: '共享情况报送',
  article: '第三十二条',
  dbEnum: 'P7_REPORT',
  idPrefix: 'BS',
  // the regulation fixes only the yearly report's date (次年1月底前); the half-year one is the profile's choice
  phases: [{ phase: 'report', workingDays: 15, label: '半年报送 (半年结束后)' }],
  answerPhase: 'report',
  actions: { submit_report: 'responsible' },
  outcomes: { report_submitted: 'submitted' },
  mailNote:
    '请核对系统预填的本期共享数据, 补充落实情况和使用效果的说明后报送协调办公室组织推进组 (第三十二条)。',
  partyLabels: { responsible: '报送单位', requester: '报送对象' },
};

/** The two reporting periods of 第三十二条. */
export type ReportKind = 'half_year' | 'year';

/** The yearly report is due by the end of this day of January of the following year (第三十二条). */
export const YEARLY_REPORT_DUE_DAY_OF_JANUARY = 31;
