/**
 * What the Postgres and SMTP drills rely on, on real parts: a database that is gone or restarting is recognised
 * in every form Prisma reports it (and the API answers 503 problem+json, not 500), and the catcher's SMTP port
 * can be closed and reopened.
 */
import express from 'express';
import nodemailer from 'nodemailer';
import request from 'supertest';
import { Client } from 'pg';
import { problemHandler } from '../../api/problem';
import { isDatabaseUnavailable } from '../../core/db-errors';
import { startMailCatcher } from '../../mail/catcher';
import { createDb } from '../../prisma/client';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { freePort } from '../../embedded/ports';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb.drop();
});

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

test('a database nobody listens on is unavailable (P1001)', async () => {
  const db = createDb(`postgresql://postgres:x@127.0.0.1:${await freePort()}/none`);
  const e = await errorOf(db.case.count());
  expect(isDatabaseUnavailable(e)).toBe(true);
  await db.$disconnect();
});

test('a connection the server terminates (shutdown, 57P01) is unavailable; a wrong query is not', async () => {
  const db = createDb(tdb.url);
  const admin = new Client({ connectionString: tdb.url });
  await admin.connect();
  // inside a transaction the connection is held, so the next statement meets the terminated backend
  const e = await errorOf(
    db.$transaction(async (tx) => {
      const pid = (await tx.$queryRaw<{ p: number }[]>`SELECT pg_backend_pid() AS p`)[0].p;
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((r) => setTimeout(r, 200));
      await tx.$queryRaw`SELECT 1`;
    }),
  );
  await admin.end();
  expect(e).toBeDefined();
  expect(isDatabaseUnavailable(e)).toBe(true);
  // the client that lost its connection is left alone: ending it waits for the broken transaction
  void db.$disconnect().catch(() => undefined);
  const fresh = createDb(tdb.url);
  const bad = await errorOf(fresh.$queryRawUnsafe('SELECT * FROM no_such_table'));
  expect(isDatabaseUnavailable(bad)).toBe(false);
  await fresh.$disconnect();
});

test('the API answers a lost database with 503 problem+json and Retry-After, without internals', async () => {
  const dead = createDb(`postgresql://postgres:x@127.0.0.1:${await freePort()}/none`);
  const app = express();
  app.get('/x', (_req, _res, next) => {
    dead.case.count().then(() => next(), next);
  });
  app.use(problemHandler);
  const res = await request(app).get('/x');
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body).toMatchObject({ status: 503, code: 'database_unavailable' });
  expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|prisma|at /i);
  await dead.$disconnect();
});

test("the catcher's SMTP port closes and reopens (POST /smtp/stop, /smtp/start)", async () => {
  const catcher = await startMailCatcher({ httpPort: 0 });
  const send = () =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: catcher.smtpPort, secure: false })
      .sendMail({ from: 'a@gxcase.local', to: 'b@gxcase.local', subject: '演练', text: '正文' });
  try {
    await send();
    expect(await (await fetch(`${catcher.webUrl}smtp/stop`, { method: 'POST' })).json()).toEqual({
      smtpListening: false,
    });
    await expect(send()).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNREFUSED|ESOCKET|ECONNECTION/),
    });
    expect(await (await fetch(`${catcher.webUrl}smtp/start`, { method: 'POST' })).json()).toEqual({
      smtpListening: true,
    });
    await send();
    expect(catcher.messages).toHaveLength(2);
  } finally {
    await catcher.stop();
  }
});
