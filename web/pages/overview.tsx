/** 总览: the morning view. Placeholder until the figures use-case lands. */
import type { Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { personOf } from '../auth';
import { sendPage } from '../render';

export function overviewPage(r: Router, _deps: AppDeps): void {
  r.get('/', (req, res) => {
    const person = personOf(res);
    sendPage(req, res, '总览', <p>欢迎, {person.displayName}。</p>);
  });
}
