/**
 * Figure 5: deadline computations/s (bench/calendar.ts, pure CPU, the same on both topologies) and mails/s
 * through the outbox to the topology's SMTP catcher (goal ≥ 200/s).
 *
 * The mails go the way a notify activity sends them: createMailNotifier's enqueue for a case plans the
 * recipients, renders, records each mail PENDING under its Message-ID, sends it and marks it SENT after the
 * server's 250. Here enqueue runs in the bench process with the worker's wiring (createMailTransport from the
 * configuration, the calendar provider), `sizes.concurrency` cases at a time as the worker's activity slots
 * would, against the topology's database and catcher. Each case yields three mails (人社厅's staff member and a
 * copy to each of the two supervising offices). Measured twice in the same run: a new SMTP connection per mail
 * (SMTP_POOL_CONNECTIONS=0, the transport before issue 15) and the pooled default. Afterwards every row must be
 * SENT and the catcher must hold each Message-ID exactly once.
 */
import { loadConfig } from '../config';
import { createCalendarProvider } from '../core/calendar/provider';
import { createMailNotifier } from '../mail/notifier';
import { createMailTransport } from '../mail/transport';
import { createDb, type Db } from '../prisma/client';
import { forEachBounded } from './bounded';
import { measureDeadlines } from './calendar';
import { prepareCases } from './case-rows';
import { busiest, measureCpu } from './cpu';
import type { Figure, Say } from './figure';
import type { RunningTopology } from './topology';

const MAILS_PER_CASE = 3;

interface MailRun {
  mails: number;
  seconds: number;
  perSecond: number;
  notSent: number;
  /** Message-IDs the catcher holds other than once (missing or duplicated) */
  catcherMismatches: number;
  cpu: string;
}

async function sendThrough(
  t: RunningTopology,
  db: Db,
  poolConnections: number,
  mails: number,
  concurrency: number,
  say: Say,
): Promise<MailRun> {
  const config = loadConfig({ ...process.env, SMTP_HOST: t.smtp.host, SMTP_PORT: String(t.smtp.port) });
  const transport = createMailTransport({ ...config.smtp, poolConnections });
  const notifier = createMailNotifier({
    db,
    transport,
    from: config.smtp.from,
    publicBaseUrl: t.apiBase.replace(/\/api\/v1$/, ''),
    calendars: createCalendarProvider(db),
  });
  const cases = (await prepareCases(db, Math.ceil(mails / MAILS_PER_CASE))).map((c) => c.caseId);
  const eventKey = `bench-mail-${poolConnections}`;
  const cpu = measureCpu(t);
  const own = process.cpuUsage();
  const t0 = Date.now();
  await forEachBounded(cases, concurrency, (caseId) =>
    notifier.enqueue({ caseId, eventKey, kind: 'new_case', to: 'responsible_and_supervisors' }),
  );
  const seconds = (Date.now() - t0) / 1000;
  const top = busiest(cpu());
  const ownUse = process.cpuUsage(own);
  // enqueue itself (planning queries, rendering, Prisma) runs here, outside the topology's roles
  const benchPercent = Math.round(((ownUse.user + ownUse.system) / 1e6 / seconds) * 100);
  transport.close();
  const rows = await db.notification.findMany({
    where: { caseId: { in: cases }, eventKey },
    select: { messageId: true, status: true },
  });
  const caught = (await (await fetch(new URL('messages.json', t.mailWebUrl))).json()) as {
    messageId?: string;
  }[];
  const seen = new Map<string, number>();
  for (const m of caught) if (m.messageId) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
  const run: MailRun = {
    mails: rows.length,
    seconds,
    perSecond: Math.round((rows.length / seconds) * 10) / 10,
    notSent: rows.filter((r) => r.status !== 'SENT').length,
    catcherMismatches: rows.filter((r) => seen.get(r.messageId) !== 1).length,
    cpu: `${top.role} ${top.percent}%, bench process (enqueue) ${benchPercent}%`,
  };
  say(
    `mail: ${poolConnections ? `pool of ${poolConnections}` : 'a connection per mail'}: ${run.mails} mails in ${seconds.toFixed(1)} s = ${run.perSecond}/s (busiest: ${run.cpu})`,
  );
  return run;
}

export const mailFigure: Figure = async (t, sizes, say) => {
  const deadlines = measureDeadlines(300_000, () => undefined, 10_000);
  say(
    `deadlines: ${Math.round(deadlines.indexedPerSecond)}/s indexed, ${Math.round(deadlines.naivePerSecond)}/s naive`,
  );
  const db = createDb(t.databaseUrl);
  try {
    const before = await sendThrough(t, db, 0, sizes.mails, sizes.concurrency, say);
    const after = await sendThrough(t, db, 5, sizes.mails, sizes.concurrency, say);
    const notes: string[] = [];
    for (const [label, r] of [
      ['per-connection', before],
      ['pooled', after],
    ] as const) {
      if (r.notSent) notes.push(`${label}: ${r.notSent} rows not SENT`);
      if (r.catcherMismatches)
        notes.push(`${label}: ${r.catcherMismatches} Message-IDs not caught exactly once`);
    }
    const intact = before.notSent + before.catcherMismatches + after.notSent + after.catcherMismatches === 0;
    return {
      figure: '5 deadlines and mail',
      values: {
        deadlinesPerSecond: Math.round(deadlines.indexedPerSecond),
        naiveDeadlinesPerSecond: Math.round(deadlines.naivePerSecond),
        mails: after.mails,
        mailsPerSecondOneConnectionEach: before.perSecond,
        mailsPerSecondPooled: after.perSecond,
        mailsNotSent: before.notSent + after.notSent,
        catcherMismatches: before.catcherMismatches + after.catcherMismatches,
      },
      goal: { text: '≥ 200 mails/s, each caught exactly once', met: after.perSecond >= 200 && intact },
      limitedBy: `busiest role: ${before.cpu} with a connection per mail, ${after.cpu} pooled`,
      notes: [
        `enqueue runs in the bench process, ${sizes.concurrency} cases at a time; ${MAILS_PER_CASE} mails per case`,
        ...notes,
      ],
    };
  } finally {
    await db.$disconnect();
  }
};
