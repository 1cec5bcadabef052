/**
 * The link in every mail opens the case's page (issue 12), after login if needed. Real parts end to end: a P1
 * case started on the shared Temporal dev server, a real worker whose mail notifier delivers to the in-process
 * SMTP catcher, the link taken from the received mail's text and followed with a logged-out agent through the
 * real login form.
 */
import { NativeConnection } from '@temporalio/worker';
import request from 'supertest';
import { loadConfig } from '../../config';
import { startCase } from '../../core/cases/start';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../prisma/seed';
import { createTestApi, type TestApi } from '../support/api';
import { mailingWorker } from '../support/mailing';
import { devServerAddress } from '../support/temporal';
import { csrfOf } from '../support/web';
import { eventually } from '../support/worker';

let api: TestApi;
let smtp: MailCatcher;
let connection: NativeConnection;
let worker: Awaited<ReturnType<typeof mailingWorker>> | undefined;
let caseId: string | undefined;
// the app's own public address (createTestApi's config), which the mails must point at
const publicBaseUrl = loadConfig({}).publicBaseUrl;

beforeAll(async () => {
  [api, smtp, connection] = await Promise.all([
    createTestApi(),
    startMailCatcher(),
    NativeConnection.connect({ address: devServerAddress() }),
  ]);
  await seedDemoAccounts(api.tdb.db);
  const created = await mailingWorker({
    connection,
    db: api.tdb.db,
    taskQueue: api.taskQueue,
    smtpPort: smtp.smtpPort,
    publicBaseUrl,
  });
  worker = created;
  ({ caseId } = await startCase(
    { db: api.tdb.db, temporal: api.temporal, calendars: created.calendars, taskQueue: api.taskQueue },
    {
      procedure: 'P1',
      requesterDepartmentId: 'NMG-MZT',
      responsibleDepartmentId: 'NMG-RST',
      resourceId: 'SB-0003',
    },
  ));
}, 60_000);

afterAll(async () => {
  if (caseId)
    await api.temporal.workflow
      .getHandle(caseId)
      .terminate('test over')
      .catch(() => undefined);
  await worker?.stop();
  await connection?.close();
  await api?.close();
  await smtp?.stop();
});

test('the link in a real new-case mail leads through the login page to that case', async () => {
  const mail = await eventually(async () =>
    smtp.messages.find(
      (m) => m.envelopeTo.includes('zhangwei@rst.nmg.example') && m.subject?.includes(caseId!),
    ),
  );
  expect(mail.subject).toContain('新案件【有条件共享申请】');
  const link = /查看案件: (\S+)/.exec(mail.text ?? '')?.[1];
  expect(link).toBe(`${publicBaseUrl}/dashboard/cases/${caseId}`);
  // the HTML part carries the same address
  expect(mail.html).toContain(`href="${link}"`);
  const path = new URL(link!).pathname;

  // not logged in: the login page, which remembers where the person was going
  const agent = request.agent(api.app);
  const first = await agent.get(path);
  expect(first.status).toBe(303);
  expect(first.headers.location).toBe('/dashboard/login');
  const form = await agent.get('/dashboard/login');
  expect(form.status).toBe(200);
  const duban = DEMO_ACCOUNTS.find((a) => a.username === 'duban')!;
  const login = await agent
    .post('/dashboard/login')
    .type('form')
    .send({ _csrf: csrfOf(form.text), username: duban.username, password: duban.password });
  expect(login.status).toBe(303);
  expect(login.headers.location).toBe(path);

  const page = await agent.get(login.headers.location);
  expect(page.status).toBe(200);
  expect(page.text).toContain(`<h1>案件详情 ${caseId}</h1>`);
  expect(page.text).toContain('内蒙古自治区民政厅 → 内蒙古自治区人力资源和社会保障厅');
  // the mail the link came from is among the case's mails, delivered
  expect(page.text).toContain(mail.subject);
  expect(page.text).toContain('已送达邮件服务器');
});
