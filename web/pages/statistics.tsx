/** 统计 — to be built (issue 12). */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { sendPage } from '../render';

export function statisticsPage(r: Router, _deps: AppDeps): void {
  r.get('/statistics', (req, res) => sendPage(req, res, '统计', <p class="muted">建设中。</p>));
}
