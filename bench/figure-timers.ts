/**
 * Figure 4, timer precision: `sizes.timers` open cases due at the same instant T → how long until the read
 * model shows every one of them overdue, and the worker's RSS meanwhile (goals ≤ 60 s, ≤ 1 GiB).
 *
 * How N cases come to be due at the same minute a few minutes from now. A real deadline is always 24:00 Beijing
 * time of a working day (calendar/schedule.ts), hours or days away, and the bench has no time-skipping server.
 * But the workflow takes its schedule from the start input ('schedule-from-start'): the use-case computes it and
 * the workflow only sets timers for it. So each case is prepared the way startCase prepares one (a case number
 * from allocateCaseId, the profile's schedule from buildSchedule, the Case row with the same fields) and its
 * workflow is started with the Temporal client and the same start input, except that the schedule's due instant
 * is T (deadline = T's Beijing date) and its reminders, days away, are left out. Timer, overdue transition,
 * projection write and overdue mails then run exactly as at a real midnight; no product code knows the bench.
 * T is chosen from a pilot's start rate so that every case is started (and its receipt projected) before T.
 */
import { createDb, type Db } from '../prisma/client';
import type { statutoryCase } from '../workflows/statutory-case';
import type { CaseStart } from '../workflows/types';
import { forEachBounded } from './bounded';
import { prepareCases as prepare } from './case-rows';
import { busiest, measureCpu, roleRss, rssOf } from './cpu';
import type { Figure } from './figure';
import { sleep } from './http';
import type { RunningTopology } from './topology';

const STARTS_IN_FLIGHT = 16;
const MiB = 1024 * 1024;

/** The workflow start startCase makes (same id, queue, reuse policy, argument). */
async function startAll(t: RunningTopology, starts: CaseStart[]): Promise<void> {
  await forEachBounded(starts, STARTS_IN_FLIGHT, async (start) => {
    await t.temporal.workflow.start<typeof statutoryCase>('statutoryCase', {
      workflowId: start.caseId,
      taskQueue: t.taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [start],
    });
  });
}

async function countDue(db: Db, dueAt: Date): Promise<{ received: number; overdue: number }> {
  const [row] = await db.$queryRaw<{ received: bigint; overdue: bigint }[]>`
    SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseId" = c.id AND e.type = 'received')) AS received,
           count(*) FILTER (WHERE c.overdue) AS overdue
    FROM "Case" c WHERE c."dueAt" = ${dueAt}`;
  return { received: Number(row.received), overdue: Number(row.overdue) };
}

/** Whether the worker is done with these cases' start: receipt projected and new-case mails sent. */
async function startsSettled(db: Db, dueAt: Date, n: number): Promise<boolean> {
  const [row] = await db.$queryRaw<{ received: bigint; pending: bigint }[]>`
    SELECT (SELECT count(*) FROM "CaseEvent" e JOIN "Case" c ON c.id = e."caseId"
            WHERE c."dueAt" = ${dueAt} AND e.type = 'received') AS received,
           (SELECT count(*) FROM "Notification" x JOIN "Case" c ON c.id = x."caseId"
            WHERE c."dueAt" = ${dueAt} AND x.status = 'PENDING') AS pending`;
  return Number(row.received) >= n && Number(row.pending) === 0;
}

export const timersFigure: Figure = async (t, sizes, say) => {
  const n = sizes.timers;
  const db = createDb(t.databaseUrl);
  const notes: string[] = [];
  let rssPeak = 0;
  let rssPeakFiring = 0;
  let rssPeakOneWorker = 0; // the cluster has two workers: the goal is per process, the sum is shown too
  let firing = false;
  const sampler = setInterval(() => {
    for (const pid of t.processes().get('worker') ?? [])
      rssPeakOneWorker = Math.max(rssPeakOneWorker, rssOf(pid));
    const rss = roleRss(t, 'worker');
    rssPeak = Math.max(rssPeak, rss);
    if (firing) rssPeakFiring = Math.max(rssPeakFiring, rss);
  }, 1000);
  try {
    // pilot: real cases with their real schedule (due in days), to learn how fast this topology takes a start
    // through to the worker's end (receipt projected, new-case mail sent), which is slower than the client's start
    const pilotN = Math.min(100, Math.max(20, Math.ceil(n / 20)));
    const pilot = await prepare(db, pilotN);
    const pilotDue = new Date(pilot[0].schedule!.dueAt);
    const p0 = Date.now();
    await startAll(t, pilot);
    while (!(await startsSettled(db, pilotDue, pilotN)) && Date.now() - p0 < 300_000) await sleep(250);
    const pilotRate = pilotN / ((Date.now() - p0) / 1000);
    // room for preparing the rows (~1 s per thousand) and for the rate sagging as the queue fills
    const leadS = Math.ceil(n / 1000 + (n / pilotRate) * 1.3 + 15);
    const dueAt = new Date(Math.ceil((Date.now() + leadS * 1000) / 1000) * 1000);
    say(
      `timers: pilot ${pilotRate.toFixed(1)} starts/s; ${n} cases due at ${dueAt.toISOString()} (in ${leadS} s)`,
    );

    const s0 = Date.now();
    await startAll(t, await prepare(db, n, dueAt));
    const startSeconds = (Date.now() - s0) / 1000;
    say(
      `timers: ${n} started in ${startSeconds.toFixed(1)} s; ${((dueAt.getTime() - Date.now()) / 1000).toFixed(0)} s to T`,
    );
    let settled = await startsSettled(db, dueAt, n);
    while (!settled && Date.now() < dueAt.getTime() - 1000) {
      await sleep(1000);
      settled = await startsSettled(db, dueAt, n);
    }
    const idleBeforeT = (dueAt.getTime() - Date.now()) / 1000;
    if (!settled) {
      const { received } = await countDue(db, dueAt);
      notes.push(
        `start load overlapped the timers: ${received}/${n} receipts projected by T, or new-case mail pending`,
      );
    }
    await sleep(Math.max(0, dueAt.getTime() - Date.now()));
    firing = true;
    const cpu = measureCpu(t);
    let firstS: number | undefined;
    let done = await countDue(db, dueAt);
    const timeoutMs = Math.max(120_000, n * 20);
    while (done.overdue < n && Date.now() < dueAt.getTime() + timeoutMs) {
      await sleep(250);
      done = await countDue(db, dueAt);
      if (done.overdue > 0) firstS ??= (Date.now() - dueAt.getTime()) / 1000;
    }
    const allS = (Date.now() - dueAt.getTime()) / 1000;
    const cpuByRole = cpu();
    firing = false;
    if (done.overdue < n) notes.push(`only ${done.overdue}/${n} overdue after ${allS.toFixed(0)} s`);
    // exact per-case moments: the overdue transition is the row's last write (Prisma's @updatedAt)
    const [lag] = await db.$queryRaw<{ p50: number; p99: number; max: number; min: number }[]>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY s) AS p99,
             max(s) AS max, min(s) AS min
      FROM (SELECT extract(epoch FROM "updatedAt" - "dueAt")::float8 AS s FROM "Case" WHERE "dueAt" = ${dueAt} AND overdue) x`;
    // the overdue mails (staff and supervisors) go out beside the timers; how long until the outbox is empty
    const mailWaitUntil = Date.now() + 60_000;
    let mails = { pending: 0, sent: 0, lastSentS: 0 };
    for (;;) {
      const [m] = await db.$queryRaw<{ pending: bigint; sent: bigint; last: number | null }[]>`
        SELECT count(*) FILTER (WHERE n.status = 'PENDING') AS pending, count(*) FILTER (WHERE n.status = 'SENT') AS sent,
               extract(epoch FROM max(n."sentAt") - ${dueAt}::timestamptz)::float8 AS last
        FROM "Notification" n JOIN "Case" c ON c.id = n."caseId"
        WHERE c."dueAt" = ${dueAt} AND n.kind IN ('overdue_staff', 'overdue_supervisor')`;
      mails = { pending: Number(m.pending), sent: Number(m.sent), lastSentS: m.last ?? 0 };
      if ((mails.pending === 0 && mails.sent > 0) || Date.now() > mailWaitUntil) break;
      await sleep(1000);
    }
    if (mails.pending > 0)
      notes.push(`${mails.pending} overdue mails still pending 60 s after the last mark`);
    const top = busiest(cpuByRole);
    const rssMiB = Math.round(rssPeak / MiB);
    const met = done.overdue === n && allS <= 60 && rssPeakOneWorker <= 1024 * MiB;
    return {
      figure: '4 timers',
      values: {
        cases: n,
        pilotStartsPerSecondEndToEnd: Math.round(pilotRate * 10) / 10,
        startsPerSecond: Math.round((n / startSeconds) * 10) / 10,
        idleBeforeDueSeconds: Math.round(idleBeforeT),
        overdueCount: done.overdue,
        allOverdueSeconds: Math.round(allS * 10) / 10,
        firstOverdueSeconds: Math.round((firstS ?? NaN) * 10) / 10,
        markP50Seconds: Math.round(lag.p50 * 10) / 10,
        markP99Seconds: Math.round(lag.p99 * 10) / 10,
        spreadSeconds: Math.round((lag.max - lag.min) * 10) / 10,
        workerRssPeakMiB: rssMiB,
        oneWorkerProcessRssPeakMiB: Math.round(rssPeakOneWorker / MiB),
        workerRssPeakFiringMiB: Math.round(rssPeakFiring / MiB),
        overdueMailsSent: mails.sent,
        overdueMailsDoneSeconds: Math.round(mails.lastSentS * 10) / 10,
        ...Object.fromEntries(Object.entries(cpuByRole).map(([r, v]) => [`cpu_${r}_percent`, v ?? 0])),
      },
      goal: { text: 'all overdue ≤ 60 s after the due instant; RSS ≤ 1 GiB per worker process', met },
      limitedBy: `${top.role} at ${top.percent}% of a core while the timers fired${top.machineBusy ? ' (machine saturated)' : ''}`,
      notes: [
        'due instant moved to T in the start input (the workflow takes its schedule from there); reminders left out',
        ...notes,
      ],
    };
  } finally {
    clearInterval(sampler);
    await db.$disconnect();
  }
};
