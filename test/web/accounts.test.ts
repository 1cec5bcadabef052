/**
 * Administrators manage people's accounts (第二十二、二十四条: each person acts under their own identity, and
 * creating or disabling an account is on record). Real app, real Postgres, the real forms.
 */
import { seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { csrfOf, loginAgent, loginWithPassword } from '../support/web';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
  await seedDemoAccounts(api.tdb.db);
});
afterAll(() => api?.close());

const loginWith = (username: string, password: string) => loginWithPassword(api.app, username, password);

describe('第二十二条 accounts for people', () => {
  test('an administrator creates a department account; it logs in and sees its own department only', async () => {
    const admin = await loginAgent(api.app, 'admin');
    const page = await admin.get('/dashboard/admin/accounts');
    expect(page.status).toBe(200);
    expect(page.text).toContain('新建账号');
    const created = await admin
      .post('/dashboard/admin/accounts')
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        username: 'GAT-Zhang',
        displayName: '公安厅 张警官',
        role: 'DEPARTMENT',
        departmentId: 'NMG-GAT',
        password: 'gat-initial-pass',
      });
    expect(created.status).toBe(303);
    const list = await admin.get('/dashboard/admin/accounts');
    expect(list.text).toContain('gat-zhang');
    expect(list.text).toContain('公安厅 张警官');
    const row = await api.tdb.db.auditLog.findFirst({
      where: { action: 'account_created', target: 'user:gat-zhang' },
    });
    expect(row).toMatchObject({ actor: 'user:admin' });
    expect(JSON.stringify(row?.data)).not.toContain('gat-initial-pass');

    const { agent, status } = await loginWith('gat-zhang', 'gat-initial-pass');
    expect(status).toBe(303);
    expect((await agent.get('/dashboard/departments/NMG-GAT')).status).toBe(200);
    expect((await agent.get('/dashboard/departments/NMG-RST')).status).toBe(404);
    expect((await agent.get('/dashboard/admin/accounts')).status).toBe(403);
  });

  test('a refused form says why and keeps what was typed, never the password', async () => {
    const admin = await loginAgent(api.app, 'admin');
    const token = csrfOf((await admin.get('/dashboard/admin/accounts')).text);
    const send = (fields: Record<string, string>) =>
      admin
        .post('/dashboard/admin/accounts')
        .type('form')
        .send({ _csrf: token, ...fields });
    const taken = await send({
      username: 'rst',
      displayName: '重名',
      role: 'SUPERVISOR',
      password: 'long-enough-pass',
    });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('登录名 rst 已被使用');
    expect(taken.text).toContain('value="重名"');
    const weak = await send({
      username: 'weakling',
      displayName: '弱',
      role: 'SUPERVISOR',
      password: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('密码至少 10 位');
    expect(weak.text).not.toContain('short"');
    const noDept = await send({
      username: 'nodept',
      displayName: '无部门',
      role: 'DEPARTMENT',
      password: 'long-enough-pass',
    });
    expect(noDept.status).toBe(400);
    expect(noDept.text).toContain('部门账号必须指定所属部门');
    expect(await api.tdb.db.webUser.count({ where: { username: { in: ['weakling', 'nodept'] } } })).toBe(0);
  });

  test('a supervisor cannot open or use the accounts page', async () => {
    const duban = await loginAgent(api.app, 'duban');
    const page = await duban.get('/dashboard/admin/accounts');
    expect(page.status).toBe(403);
    const token = csrfOf((await duban.get('/dashboard')).text);
    const post = await duban.post('/dashboard/admin/accounts').type('form').send({
      _csrf: token,
      username: 'sneaky',
      displayName: 'x',
      role: 'ADMIN',
      password: 'long-enough-pass',
    });
    expect(post.status).toBe(403);
    expect(await api.tdb.db.webUser.count({ where: { username: 'sneaky' } })).toBe(0);
  });

  test('disabling an account ends its sessions at once and is audited', async () => {
    const mzt = await loginAgent(api.app, 'mzt');
    expect((await mzt.get('/dashboard')).status).toBe(200);
    const admin = await loginAgent(api.app, 'admin');
    const token = csrfOf((await admin.get('/dashboard/admin/accounts')).text);
    const off = await admin.post('/dashboard/admin/accounts/mzt/disable').type('form').send({ _csrf: token });
    expect(off.status).toBe(303);
    expect((await mzt.get('/dashboard')).status).toBe(303);
    expect((await loginWith('mzt', 'mzt-demo-2026')).status).toBe(401);
    expect(
      await api.tdb.db.auditLog.count({ where: { action: 'account_disabled', target: 'user:mzt' } }),
    ).toBe(1);
    const self = await admin
      .post('/dashboard/admin/accounts/admin/disable')
      .type('form')
      .send({ _csrf: token });
    expect(self.status).toBe(409);
  });

  test('a person changes their own password: the current one first, then only the new one works', async () => {
    const rst = await loginAgent(api.app, 'rst');
    const form = await rst.get('/dashboard/password');
    expect(form.status).toBe(200);
    const token = csrfOf(form.text);
    const change = (current: string, next: string) =>
      rst.post('/dashboard/password').type('form').send({ _csrf: token, current, next });
    const wrong = await change('not-my-password', 'rst-new-pass-2027');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('当前密码不正确');
    const weak = await change('rst-demo-2026', 'short');
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('新密码至少 10 位');
    const ok = await change('rst-demo-2026', 'rst-new-pass-2027');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('密码已修改');
    expect((await loginWith('rst', 'rst-demo-2026')).status).toBe(401);
    expect((await loginWith('rst', 'rst-new-pass-2027')).status).toBe(303);
    const audit = await api.tdb.db.auditLog.findMany({ where: { action: 'password_changed' } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0].data)).not.toContain('rst-new-pass-2027');
  });
});
