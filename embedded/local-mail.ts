/**
 * The local mail catcher both start commands use when no mail server is configured. Kept apart from stack.ts
 * because it needs no Prisma client, so `npm start` can run it while the client is still being generated.
 */
import { startMailCatcher } from '../mail/catcher';

export type Say = (m: string) => void;

/**
 * Without a configured mail server, a local catcher receives the mail and shows it on a web page; `env` gets
 * its SMTP settings. Returns the catcher's page, or undefined when SMTP_HOST was set.
 */
export async function startLocalMail(
  env: NodeJS.ProcessEnv,
  stops: (() => Promise<void>)[],
  say: Say,
): Promise<string | undefined> {
  if (env.SMTP_HOST) return undefined;
  const catcher = await startMailCatcher({
    smtpPort: Number(env.EMBEDDED_SMTP_PORT || 1025),
    httpPort: Number(env.EMBEDDED_MAIL_UI_PORT || 1080),
    // enough for the fault drills' runs (issue 14) to compare the whole inbox with the outbox
    limit: 20_000,
    // an idempotent receiver, like compose's Mailpit (MP_IGNORE_DUPLICATE_IDS): a crash between the server's 250
    // and the outbox's SENT mark makes the sender repeat a mail; the inbox keeps it once and counts the repeat
    ignoreDuplicateIds: true,
  });
  stops.push(catcher.stop);
  env.SMTP_HOST = '127.0.0.1';
  env.SMTP_PORT = String(catcher.smtpPort);
  env.SMTP_SECURE = 'false';
  say(`mail catcher up (SMTP 127.0.0.1:${catcher.smtpPort})`);
  return catcher.webUrl;
}
