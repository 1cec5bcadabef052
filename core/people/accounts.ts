/**
 * People's accounts for the workbench (督办工作台). Systems call the API with keys; people log in with a
 * password, stored only as an argon2id hash. Every login and failed login is on the audit chain (第二十四条).
 * An unknown user and a wrong password take the same time and give the same answer, so names do not leak.
 */
import argon2 from 'argon2';
import type { Db, UserRole, WebUser } from '../../prisma/client';
import { appendAudit } from '../../audit/log';
import type { Actor } from '../actor';
import { isUniqueViolation } from '../db-errors';
import { DomainError } from '../errors';

export interface AccountDeps {
  db: Db;
  now?: () => Date;
}

/** The person a session belongs to, as the pages and use-cases see them. */
export interface Person {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  departmentId: string | null;
}

/** A person acts through the same use-cases as a system; audit rows name them `user:<login>`. */
export function actorOf(p: Person): Actor {
  return { clientId: `user:${p.username}`, role: p.role, departmentId: p.departmentId ?? undefined };
}

const personOf = (u: WebUser): Person => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  departmentId: u.departmentId,
});

export const MIN_PASSWORD_LENGTH = 10;

// OWASP's argon2id baseline (19 MiB, 2 passes): memory-hard, ~30 ms here
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let dummyHash: Promise<string> | undefined;

const requireAdmin = (by: Actor, what: string) => {
  if (by.role !== 'ADMIN') throw new DomainError('forbidden', 'forbidden', `只有管理员可以${what}`);
};

export interface NewAccount {
  username: string;
  displayName: string;
  role: UserRole;
  departmentId?: string;
  password: string;
}

export async function createAccount(deps: AccountDeps, by: Actor, input: NewAccount): Promise<Person> {
  requireAdmin(by, '创建账号');
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{2,39}$/.test(username))
    throw new DomainError(
      'invalid',
      'invalid_username',
      '登录名须为 3–40 位小写字母、数字、点、下划线或连字符',
    );
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw new DomainError('invalid', 'weak_password', `密码至少 ${MIN_PASSWORD_LENGTH} 位`);
  // a supervisor may belong to a department: a 盟市 one sees that 盟市 and its 旗县 only (第十条,
  // core/supervision-scope.ts); without one, or with a 自治区 one, everything
  if (input.role === 'DEPARTMENT' ? !input.departmentId : input.role === 'ADMIN' && input.departmentId)
    throw new DomainError(
      'invalid',
      'department_required',
      '部门账号必须指定所属部门, 管理员账号不能指定; 督办账号可指定 (盟市级督办只看本盟市及所辖旗县)',
    );
  if (input.departmentId && !(await deps.db.department.findUnique({ where: { id: input.departmentId } })))
    throw new DomainError('unprocessable', 'unknown_department', `没有部门 ${input.departmentId}`);
  const passwordHash = await argon2.hash(input.password, HASH_OPTIONS);
  try {
    return await deps.db.$transaction(async (tx) => {
      const user = await tx.webUser.create({
        data: {
          username,
          displayName: input.displayName.trim(),
          role: input.role,
          departmentId: input.departmentId ?? null,
          passwordHash,
          createdBy: by.clientId,
        },
      });
      await appendAudit(tx, {
        actor: by.clientId,
        action: 'account_created',
        target: `user:${username}`,
        data: { role: input.role, departmentId: input.departmentId ?? null },
      });
      return personOf(user);
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new DomainError('conflict', 'username_taken', `登录名 ${username} 已被使用`);
    throw e;
  }
}

export type LoginResult = { ok: true; person: Person } | { ok: false };

/**
 * Checks a login. Failed attempts are audited with the name tried and the source address, never the password.
 */
export async function authenticate(
  deps: AccountDeps,
  input: { username: string; password: string; source: string },
): Promise<LoginResult> {
  const username = input.username.trim().toLowerCase().slice(0, 80);
  const user = username ? await deps.db.webUser.findUnique({ where: { username } }) : null;
  // verify against a throwaway hash when there is no such user, so both paths cost the same
  dummyHash ??= argon2.hash('not-a-password-of-anyone', HASH_OPTIONS);
  const hash = user?.passwordHash ?? (await dummyHash);
  const matches = await argon2.verify(hash, input.password).catch(() => false);
  const ok = Boolean(user && matches && !user.disabledAt);
  const at = (deps.now ?? (() => new Date()))();
  await deps.db.$transaction(async (tx) => {
    if (ok && user) await tx.webUser.update({ where: { id: user.id }, data: { lastLoginAt: at } });
    await appendAudit(tx, {
      actor: ok ? `user:${username}` : 'anonymous',
      action: ok ? 'login' : 'login_failed',
      target: `user:${username}`,
      data: ok
        ? { source: input.source }
        : {
            source: input.source,
            reason: !user ? 'unknown_user' : user.disabledAt ? 'disabled' : 'bad_password',
          },
    });
  });
  return ok && user ? { ok: true, person: personOf(user) } : { ok: false };
}

/** The session's person, re-read on every request so a disabled account stops at once. */
export async function personById(deps: AccountDeps, id: string): Promise<Person | undefined> {
  const user = await deps.db.webUser.findUnique({ where: { id } });
  return user && !user.disabledAt ? personOf(user) : undefined;
}

export async function recordLogout(deps: AccountDeps, p: Person, source: string): Promise<void> {
  await appendAudit(deps.db, {
    actor: `user:${p.username}`,
    action: 'logout',
    target: `user:${p.username}`,
    data: { source },
  });
}

export interface AccountView extends Person {
  departmentName: string | null;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  createdBy: string;
}

/**
 * Every account, enabled first, then by login name (people, not cases: a short list, no paging), and the
 * departments a new department account may belong to.
 */
export async function listAccounts(
  deps: AccountDeps,
  by: Actor,
): Promise<{ accounts: AccountView[]; departments: { id: string; name: string }[] }> {
  requireAdmin(by, '查看账号');
  const [users, departments] = await Promise.all([
    deps.db.webUser.findMany({
      include: { department: { select: { name: true } } },
      orderBy: [{ disabledAt: { sort: 'asc', nulls: 'first' } }, { username: 'asc' }],
    }),
    deps.db.department.findMany({ select: { id: true, name: true }, orderBy: { id: 'asc' } }),
  ]);
  const accounts = users.map((u) => ({
    ...personOf(u),
    departmentName: u.department?.name ?? null,
    disabledAt: u.disabledAt,
    lastLoginAt: u.lastLoginAt,
    createdAt: u.createdAt,
    createdBy: u.createdBy,
  }));
  return { accounts, departments };
}

/**
 * Disables an account at once: its sessions stop on their next request (personById refuses it). Kept, not
 * deleted, so the audit chain's `user:<login>` rows keep naming someone. An administrator cannot disable
 * their own account (nobody would be left to undo it).
 */
export async function disableAccount(deps: AccountDeps, by: Actor, username: string): Promise<void> {
  requireAdmin(by, '停用账号');
  if (by.clientId === `user:${username}`)
    throw new DomainError('conflict', 'cannot_disable_self', '不能停用自己正在使用的账号');
  const at = (deps.now ?? (() => new Date()))();
  await deps.db.$transaction(async (tx) => {
    const user = await tx.webUser.findUnique({ where: { username } });
    if (!user) throw new DomainError('not_found', 'account_not_found', `没有账号 ${username}`);
    if (user.disabledAt) throw new DomainError('conflict', 'account_disabled', `账号 ${username} 已停用`);
    await tx.webUser.update({ where: { id: user.id }, data: { disabledAt: at } });
    await appendAudit(tx, { actor: by.clientId, action: 'account_disabled', target: `user:${username}` });
  });
}

/** A person changes their own password: the current one first, so a session left open is not enough. */
export async function changeOwnPassword(
  deps: AccountDeps,
  person: Person,
  input: { current: string; next: string },
): Promise<void> {
  if (input.next.length < MIN_PASSWORD_LENGTH)
    throw new DomainError('invalid', 'weak_password', `新密码至少 ${MIN_PASSWORD_LENGTH} 位`);
  if (input.next === input.current)
    throw new DomainError('invalid', 'same_password', '新密码不能与当前密码相同');
  const user = await deps.db.webUser.findUnique({ where: { id: person.id } });
  if (!user || user.disabledAt) throw new DomainError('forbidden', 'forbidden', '账号已停用');
  if (!(await argon2.verify(user.passwordHash, input.current).catch(() => false)))
    throw new DomainError('invalid', 'wrong_password', '当前密码不正确');
  const passwordHash = await argon2.hash(input.next, HASH_OPTIONS);
  await deps.db.$transaction(async (tx) => {
    await tx.webUser.update({ where: { id: user.id }, data: { passwordHash } });
    await appendAudit(tx, {
      actor: `user:${user.username}`,
      action: 'password_changed',
      target: `user:${user.username}`,
    });
  });
}
