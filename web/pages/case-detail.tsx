/** 案件详情 — to be built (issue 12). */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { sendPage } from '../render';

export function casePage(r: Router, _deps: AppDeps): void {
  r.get('/cases/:id', (req, res) => sendPage(req, res, '案件详情', <p class="muted">建设中。</p>));
}
