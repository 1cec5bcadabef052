/** 账号管理 (administrators): people's accounts for the workbench — create, list, disable. */
import type { Request, Response, Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { DomainError } from '../../core/errors';
import {
  actorOf,
  createAccount,
  disableAccount,
  listAccounts,
  MIN_PASSWORD_LENGTH,
  type AccountView,
} from '../../core/people/accounts';
import { personOf } from '../auth';
import { chineseDateTime } from '../format';
import { contextOf, sendPage } from '../render';

const ROLE_NAME: Record<AccountView['role'], string> = {
  SUPERVISOR: '督促检查',
  ADMIN: '管理员',
  DEPARTMENT: '部门',
};

const PATH = '/dashboard/admin/accounts';

type Listing = Awaited<ReturnType<typeof listAccounts>>;
type FormValues = Partial<Record<'username' | 'displayName' | 'role' | 'departmentId', string>>;

function CreateForm(props: {
  csrf: string;
  departments: Listing['departments'];
  values: FormValues;
  error?: string;
}) {
  const v = props.values;
  return (
    <form class="card account-form" method="post" action={PATH} aria-labelledby="new-account">
      <h2 id="new-account">新建账号</h2>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <input type="hidden" name="_csrf" value={props.csrf} />
      <label>
        登录名
        <input name="username" required minLength={3} maxLength={40} value={v.username ?? ''} />
      </label>
      <label>
        姓名与单位
        <input name="displayName" required maxLength={80} value={v.displayName ?? ''} />
      </label>
      <label>
        角色
        <select name="role">
          {(Object.keys(ROLE_NAME) as AccountView['role'][]).map((r) => (
            <option value={r} selected={v.role === r}>
              {ROLE_NAME[r]}
            </option>
          ))}
        </select>
      </label>
      <label>
        所属部门 (部门账号必填; 督办账号选填: 选盟市级部门则只督办本盟市及所辖旗县,
        不选或选自治区级部门则督办全区)
        <select name="departmentId">
          <option value="">(无)</option>
          {props.departments.map((d) => (
            <option value={d.id} selected={v.departmentId === d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        初始密码 (至少 {MIN_PASSWORD_LENGTH} 位)
        <input
          name="password"
          type="password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          autocomplete="new-password"
        />
      </label>
      <button type="submit">创建</button>
    </form>
  );
}

function AccountTable(props: { accounts: AccountView[]; csrf: string; self: string }) {
  return (
    <div class="table-scroll">
      <table>
        <caption>全部账号 (停用的在后)</caption>
        <thead>
          <tr>
            <th scope="col">登录名</th>
            <th scope="col">姓名与单位</th>
            <th scope="col">角色</th>
            <th scope="col">所属部门</th>
            <th scope="col">最近登录</th>
            <th scope="col">状态</th>
          </tr>
        </thead>
        <tbody>
          {props.accounts.map((a) => (
            <tr>
              <th scope="row">{a.username}</th>
              <td>{a.displayName}</td>
              <td>{ROLE_NAME[a.role]}</td>
              <td>{a.departmentName ?? '—'}</td>
              <td>{a.lastLoginAt ? chineseDateTime(a.lastLoginAt) : '从未登录'}</td>
              <td>
                {a.disabledAt ? (
                  <span class="badge">已停用 {chineseDateTime(a.disabledAt)}</span>
                ) : a.username === props.self ? (
                  <span class="badge green">当前账号</span>
                ) : (
                  <form method="post" action={`${PATH}/${encodeURIComponent(a.username)}/disable`}>
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <button type="submit" class="secondary" aria-label={`停用 ${a.username}`}>
                      停用
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function render(
  deps: AppDeps,
  req: Request,
  res: Response,
  form: { values: FormValues; error?: string },
) {
  const person = personOf(res);
  const { accounts, departments } = await listAccounts({ db: deps.db }, actorOf(person));
  const { csrf } = contextOf(req, res);
  sendPage(
    req,
    res,
    '账号管理',
    <>
      <p class="muted">
        账号供人员登录督办工作台; 部门业务系统使用 API 密钥, 不使用账号。停用立即生效,
        账号保留以便审计记录可追溯。
      </p>
      <CreateForm csrf={csrf} departments={departments} values={form.values} error={form.error} />
      <AccountTable accounts={accounts} csrf={csrf} self={person.username} />
    </>,
    form.error ? 400 : 200,
  );
}

const field = (body: Record<string, unknown>, name: string): string =>
  typeof body[name] === 'string' ? (body[name] as string) : '';

export function accountsPage(r: Router, deps: AppDeps): void {
  r.get('/admin/accounts', (req, res, next) => render(deps, req, res, { values: {} }).catch(next));

  r.post('/admin/accounts', async (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    const values = {
      username: field(body, 'username'),
      displayName: field(body, 'displayName'),
      role: field(body, 'role'),
      departmentId: field(body, 'departmentId'),
    };
    try {
      const role = values.role as AccountView['role'];
      if (!(role in ROLE_NAME)) throw new DomainError('invalid', 'invalid_role', '请选择角色');
      await createAccount({ db: deps.db }, actorOf(personOf(res)), {
        username: values.username,
        displayName: values.displayName,
        role,
        departmentId: values.departmentId || undefined,
        password: field(body, 'password'),
      });
      res.redirect(303, PATH);
    } catch (e) {
      // a refusal shows on the form, with what was typed kept (never the password)
      if (e instanceof DomainError && e.kind !== 'forbidden')
        return render(deps, req, res, { values, error: e.detail }).catch(next);
      next(e);
    }
  });

  r.post('/admin/accounts/:username/disable', async (req, res, next) => {
    try {
      await disableAccount({ db: deps.db }, actorOf(personOf(res)), req.params.username);
      res.redirect(303, PATH);
    } catch (e) {
      next(e);
    }
  });
}
