/**
 * People log in to the workbench (第二十二、二十四条: every user acts under their own identity and every
 * login is on record). Real Postgres for accounts, sessions and the audit chain.
 */
import request from 'supertest';
import { seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, KEYS, type TestApi } from '../support/api';
import { csrfOf, loginAgent } from '../support/web';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ config: { limits: { perClientPerMinute: 100_000, authFailuresPer15Min: 5 } } });
  await seedDemoAccounts(api.tdb.db);
});
afterAll(() => api?.close());

const audits = (action: string) =>
  api.tdb.db.auditLog.findMany({ where: { action }, orderBy: { id: 'asc' } });

describe('第二十四条 logins are on record', () => {
  test('a page without a session leads to the login page, and back after login', async () => {
    const agent = request.agent(api.app);
    const first = await agent.get('/dashboard/overdue?procedure=P1');
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/dashboard/login');
    const form = await agent.get('/dashboard/login');
    expect(form.status).toBe(200);
    expect(form.headers['content-security-policy']).toContain("script-src 'self'");
    expect(form.text).toContain('登录名');
    const res = await agent
      .post('/dashboard/login')
      .type('form')
      .send({ _csrf: csrfOf(form.text), username: 'duban', password: 'duban-demo-2026' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard/overdue?procedure=P1');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/gx\.sid=.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await agent.get('/dashboard');
    expect(home.status).toBe(200);
    expect(home.text).toContain('督促检查组 王督办');
    const logins = await audits('login');
    expect(logins.at(-1)).toMatchObject({ actor: 'user:duban', target: 'user:duban' });
    // the session lives in Postgres (shared by every replica)
    expect(await api.tdb.db.webSession.count()).toBeGreaterThan(0);
  });

  test('a wrong password and an unknown name get the same answer; both are audited without the password', async () => {
    const agent = request.agent(api.app);
    const form = await agent.get('/dashboard/login');
    const token = csrfOf(form.text);
    const wrong = await agent
      .post('/dashboard/login')
      .type('form')
      .send({ _csrf: token, username: 'rst', password: 'nope-nope-nope' });
    const unknown = await agent
      .post('/dashboard/login')
      .type('form')
      .send({ _csrf: token, username: 'ghost', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('登录名或密码不正确');
    expect(unknown.text).toContain('登录名或密码不正确');
    const failed = await audits('login_failed');
    expect(failed.map((f) => f.target)).toEqual(expect.arrayContaining(['user:rst', 'user:ghost']));
    expect(JSON.stringify(failed.map((f) => f.data))).not.toContain('nope-nope-nope');
  });

  test('a form without its CSRF token is refused', async () => {
    const agent = await loginAgent(api.app, 'mzt');
    const res = await agent.post('/dashboard/logout').type('form').send({});
    expect(res.status).toBe(403);
    expect(res.text).toContain('CSRF');
    // still logged in: the forged logout did nothing
    expect((await agent.get('/dashboard')).status).toBe(200);
  });

  test('logout ends the session and is audited', async () => {
    const agent = await loginAgent(api.app, 'admin');
    const page = await agent.get('/dashboard');
    const out = await agent
      .post('/dashboard/logout')
      .type('form')
      .send({ _csrf: csrfOf(page.text) });
    expect(out.status).toBe(303);
    expect((await agent.get('/dashboard')).status).toBe(303);
    expect((await audits('logout')).at(-1)).toMatchObject({ actor: 'user:admin' });
  });

  test('an API key opens no page', async () => {
    for (const key of Object.values(KEYS)) {
      const res = await request(api.app).get('/dashboard').set('Authorization', `Bearer ${key}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/dashboard/login');
    }
  });

  test('failed logins are limited per source and name', async () => {
    const agent = request.agent(api.app);
    const token = csrfOf((await agent.get('/dashboard/login')).text);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await agent
        .post('/dashboard/login')
        .type('form')
        .send({ _csrf: token, username: 'admin', password: `wrong-${i}-xxxxx` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // even the right password waits out the window
    const right = await agent
      .post('/dashboard/login')
      .type('form')
      .send({ _csrf: token, username: 'admin', password: 'admin-demo-2026' });
    expect(right.status).toBe(429);
  });
});
