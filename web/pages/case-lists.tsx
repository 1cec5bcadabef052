/** 逾期案件 / 即将到期 — to be built (issue 12). */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { sendPage } from '../render';

export function caseListPages(r: Router, _deps: AppDeps): void {
  r.get('/overdue', (req, res) => sendPage(req, res, '逾期案件 / 即将到期', <p class="muted">建设中。</p>));
}
