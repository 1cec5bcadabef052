/**
 * The local catcher as an idempotent receiver (Mailpit's --ignore-duplicate-ids): a second delivery of the same
 * Message-ID is accepted (250, so the sender is done) and dropped, and counted where the drills read it; without
 * the option every delivery is kept, which is what tests that look for a sender's duplicates rely on.
 */
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { createMailTransport } from '../../mail/transport';

const FROM = 'noreply@gxcase.local';
const catchers: MailCatcher[] = [];
afterAll(() => Promise.all(catchers.map((c) => c.stop())));

async function deliverTwice(ignoreDuplicateIds: boolean): Promise<MailCatcher> {
  const catcher = await startMailCatcher({ httpPort: 0, ignoreDuplicateIds });
  catchers.push(catcher);
  const transport = createMailTransport({
    host: '127.0.0.1',
    port: catcher.smtpPort,
    secure: false,
    from: FROM,
  });
  const mail = { from: FROM, to: 'zhuanren@mzt.example', subject: '案件逾期', text: '正文' };
  for (const messageId of [
    '<GX-2026-000001.overdue.a@gxcase.local>',
    '<GX-2026-000001.overdue.a@gxcase.local>',
  ])
    await transport.sendMail({ ...mail, messageId });
  await transport.sendMail({ ...mail, messageId: '<GX-2026-000002.received.a@gxcase.local>' });
  transport.close();
  return catcher;
}

test('with ignoreDuplicateIds a repeated Message-ID is accepted once into the inbox and counted as ignored', async () => {
  const catcher = await deliverTwice(true);
  expect(catcher.messages.map((m) => m.messageId)).toEqual([
    '<GX-2026-000001.overdue.a@gxcase.local>',
    '<GX-2026-000002.received.a@gxcase.local>',
  ]);
  const ignored = (await (await fetch(`${catcher.webUrl}ignored.json`)).json()) as { messageId: string }[];
  expect(ignored.map((i) => i.messageId)).toEqual(['<GX-2026-000001.overdue.a@gxcase.local>']);
  const status = (await (await fetch(`${catcher.webUrl}smtp`)).json()) as Record<string, unknown>;
  expect(status).toMatchObject({ ignoreDuplicateIds: true, ignoredDuplicates: 1 });
  expect(await (await fetch(catcher.webUrl as string)).text()).toContain(
    '1 次相同 Message-ID 的重复投递已忽略',
  );
});

test('by default every delivery is kept, so a sender that repeats itself is seen', async () => {
  const catcher = await deliverTwice(false);
  expect(catcher.messages).toHaveLength(3);
  expect(catcher.ignored).toHaveLength(0);
});
