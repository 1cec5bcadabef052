/** Logs a person in to the workbench through the real login form; the agent keeps the session cookie. */
import request from 'supertest';
import type { Express } from 'express';
import { DEMO_ACCOUNTS } from '../../prisma/seed';

export type DemoLogin = (typeof DEMO_ACCOUNTS)[number]['username'];

/** The CSRF token a page carries (meta tag and hidden fields). */
export function csrfOf(html: string): string {
  const m = /name="csrf-token" content="([^"]+)"/.exec(html);
  if (!m) throw new Error('page has no CSRF token');
  return m[1];
}

/** Logs in through the form with any account; `status` is the answer (303 logged in, 401 refused). */
export async function loginWithPassword(
  app: Express,
  username: string,
  password: string,
): Promise<{ agent: request.Agent; status: number }> {
  const agent = request.agent(app);
  const form = await agent.get('/dashboard/login');
  const res = await agent
    .post('/dashboard/login')
    .type('form')
    .send({ _csrf: csrfOf(form.text), username, password });
  return { agent, status: res.status };
}

export async function loginAgent(app: Express, username: DemoLogin): Promise<request.Agent> {
  const password = DEMO_ACCOUNTS.find((a) => a.username === username)?.password ?? '';
  const { agent, status } = await loginWithPassword(app, username, password);
  if (status !== 303) throw new Error(`login as ${username} failed: ${status}`);
  return agent;
}
