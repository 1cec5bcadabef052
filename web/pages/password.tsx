/** 修改密码: every person changes their own password (the current one first). */
import type { Request, Response, Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { DomainError } from '../../core/errors';
import { changeOwnPassword, MIN_PASSWORD_LENGTH } from '../../core/people/accounts';
import { personOf } from '../auth';
import { contextOf, sendPage } from '../render';

const PATH = '/dashboard/password';

function show(req: Request, res: Response, note?: { ok?: string; error?: string }) {
  const { csrf } = contextOf(req, res);
  sendPage(
    req,
    res,
    '修改密码',
    <form class="login" method="post" action={PATH}>
      {note?.error && (
        <p class="error" role="alert">
          {note.error}
        </p>
      )}
      {note?.ok && (
        <p class="notice" role="status">
          {note.ok}
        </p>
      )}
      <input type="hidden" name="_csrf" value={csrf} />
      <label>
        当前密码
        <input name="current" type="password" autocomplete="current-password" required />
      </label>
      <label>
        新密码 (至少 {MIN_PASSWORD_LENGTH} 位)
        <input
          name="next"
          type="password"
          autocomplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
        />
      </label>
      <button type="submit">保存</button>
    </form>,
    note?.error ? 400 : 200,
  );
}

export function passwordPage(r: Router, deps: AppDeps): void {
  r.get('/password', (req, res) => show(req, res));
  r.post('/password', async (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 1024) : '');
    try {
      await changeOwnPassword({ db: deps.db }, personOf(res), {
        current: text('current'),
        next: text('next'),
      });
      show(req, res, { ok: '密码已修改, 下次登录请使用新密码。' });
    } catch (e) {
      if (e instanceof DomainError && e.kind === 'invalid') return show(req, res, { error: e.detail });
      next(e);
    }
  });
}
