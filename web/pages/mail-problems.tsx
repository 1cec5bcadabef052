/** 邮件异常 — to be built (issue 12). */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { sendPage } from '../render';

export function mailProblemsPage(r: Router, _deps: AppDeps): void {
  r.get('/mail-problems', (req, res) => sendPage(req, res, '邮件异常', <p class="muted">建设中。</p>));
}
