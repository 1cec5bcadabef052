/** Every workbench page, each in its own module; the router mounts them behind login and CSRF. */
import express, { type Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { accountsPage } from './accounts';
import { calendarNoticePage } from './calendar-notice';
import { caseListPages } from './case-lists';
import { casePage } from './case-detail';
import { departmentPage } from './department';
import { mailProblemsPage } from './mail-problems';
import { noticeFormPage } from './notices/form';
import { noticeListPages } from './notices/list';
import { overviewPage } from './overview';
import { passwordPage } from './password';
import { reportPages } from './reports';
import { statisticsPage } from './statistics';

export function pageRoutes(deps: AppDeps): Router {
  const r = express.Router();
  overviewPage(r, deps);
  caseListPages(r, deps);
  departmentPage(r, deps);
  statisticsPage(r, deps);
  casePage(r, deps);
  noticeFormPage(r, deps);
  noticeListPages(r, deps);
  reportPages(r, deps);
  mailProblemsPage(r, deps);
  accountsPage(r, deps);
  calendarNoticePage(r, deps);
  passwordPage(r, deps);
  return r;
}
