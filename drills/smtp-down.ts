/**
 * Drill 3: the SMTP server down for minutes while cases send mail → afterwards every mail of the outbox is in
 * the catcher's inbox exactly once. npm start's catcher runs inside npm start, so the drill closes and reopens
 * its SMTP port through the catcher's page (`POST /smtp/stop`, `/smtp/start`): connections are refused
 * meanwhile, as with a relay that is down.
 */
import { answerCase, kindOf, startDrillCase, summaryLine, verifyCases, type DrillCase } from './cases';
import { sleep, waitFor, type Stack } from './stack';

async function smtp(stack: Stack, what: 'stop' | 'start'): Promise<void> {
  const res = await fetch(`${stack.mailUi}/smtp/${what}`, { method: 'POST' });
  if (!res.ok) throw new Error(`catcher /smtp/${what}: HTTP ${res.status} (npm start with its own catcher?)`);
}

export async function smtpDownDrill(
  stack: Stack,
  o: { cases: number; downSeconds: number },
): Promise<{ line: string; ok: boolean }> {
  const run = `smtp-${Date.now().toString(36)}`;
  const t0 = Date.now();
  await smtp(stack, 'stop');
  let pendingMax = 0;
  const cases: DrillCase[] = [];
  try {
    for (let i = 0; i < o.cases; i++) cases.push(await startDrillCase(stack, run, i, kindOf(i)));
    await Promise.all(cases.filter((c) => c.kind === 'answer').map((c) => answerCase(stack, c.id)));
    const until = t0 + o.downSeconds * 1000;
    while (Date.now() < until) {
      const pending = await stack.db.notification.count({
        where: { caseId: { in: cases.map((c) => c.id) }, status: 'PENDING' },
      });
      pendingMax = Math.max(pendingMax, pending);
      await sleep(Math.min(10_000, Math.max(0, until - Date.now())));
    }
  } finally {
    await smtp(stack, 'start');
  }
  const downFor = Math.round((Date.now() - t0) / 1000);
  process.stderr.write(`SMTP up again after ${downFor} s; ${pendingMax} mails were waiting\n`);
  // the mail activity backs off to at most 10 minutes between attempts
  const final = await waitFor(
    async () => {
      const v = await verifyCases(stack, cases);
      return v.mailsPending === 0 && v.mailsDelivered === v.mailsExpected ? v : undefined;
    },
    15 * 60_000,
    5_000,
  );
  const v = final ?? (await verifyCases(stack, cases));
  const ok = v.lost === 0 && v.duplicated === 0 && v.mailsDelivered === v.mailsExpected;
  if (!ok) for (const p of v.problems) process.stderr.write(`  ${p}\n`);
  return {
    ok,
    line: summaryLine('smtp-down', v, {
      smtp_down_s: downFor,
      waiting_while_down: pendingMax,
      delivered_after_s: Math.round((Date.now() - t0) / 1000) - downFor,
    }),
  };
}
