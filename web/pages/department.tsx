/** 部门 — to be built (issue 12). */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { sendPage } from '../render';

export function departmentPage(r: Router, _deps: AppDeps): void {
  r.get('/departments/:id', (req, res) => sendPage(req, res, '部门', <p class="muted">建设中。</p>));
}
