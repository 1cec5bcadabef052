/**
 * Drill 6: a calendar year loaded while the worker is down → open cases recompute once it is back.
 * Open drill cases are started; the worker is frozen (SIGSTOP: it holds its connections but does nothing, as if
 * it were gone); a real new version of the year is loaded through the admin API (PUT /calendar/{year}), one
 * that moves every drill case's deadline a working day earlier (calendar-plan.ts). While the worker is frozen
 * no deadline may move. After SIGCONT every open case the load affected (drill cases and any other) must get
 * exactly one recompute signal and recompute once, to the deadline the calendar engine itself computes for
 * the new version. Afterwards the version in force before is loaded again, so the stack keeps its calendar.
 */
import { DEFAULT_PROFILE_ID } from '../calendar/profiles';
import { startDrillCase, type DrillCase } from './cases';
import { planDrillCalendar } from './calendar-plan';
import { activitiesNamed, eventsSince, historyOf, signalsNamed } from './history';
import { call, signal, sleep, waitFor, workerPids, type Stack } from './stack';

interface LoadAnswer {
  version: number;
  effect: { affected: { caseId: string; oldDeadline: string; newDeadline: string }[]; moved: number };
  signalled: string[];
  signalFailed: { caseId: string }[];
}

async function deadlinesOf(stack: Stack, ids: string[]): Promise<[string, string][]> {
  const rows = await stack.db.case.findMany({
    where: { id: { in: ids } },
    select: { id: true, deadlineDate: true },
  });
  return rows.map((r) => [r.id, r.deadlineDate]);
}

/**
 * SIGSTOP models a worker that is gone only while it holds no database transaction: a crashed worker's
 * connections close and Postgres rolls its transactions back, but a frozen one would keep its locks (the audit
 * chain's among them) and stall every writer, the calendar load included. So it is frozen, and if any other
 * backend is still mid-transaction or mid-query, thawed and frozen again a moment later.
 */
async function freezeOutsideTransactions(stack: Stack, pids: number[]): Promise<number> {
  for (let attempt = 1; attempt <= 50; attempt++) {
    signal(pids, 'SIGSTOP');
    await sleep(300);
    const [{ busy }] = await stack.db.$queryRaw<{ busy: number }[]>`
      SELECT count(*)::int AS busy FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND backend_type = 'client backend' AND state <> 'idle'`;
    if (busy === 0) return attempt;
    signal(pids, 'SIGCONT');
    await sleep(700);
  }
  throw new Error('the worker was never idle outside a transaction: cannot freeze it cleanly');
}

export async function calendarOutboxDrill(
  stack: Stack,
  o: { cases: number },
): Promise<{ line: string; ok: boolean }> {
  const run = `cal-${Date.now().toString(36)}`;
  const cases: DrillCase[] = [];
  for (let i = 0; i < o.cases; i++) cases.push(await startDrillCase(stack, run, i, 'open'));
  const ids = cases.map((c) => c.id);
  // wait until each workflow has recorded its receipt (its first schedule is then in the row)
  await waitFor(
    async () =>
      (await stack.db.caseEvent.count({ where: { caseId: { in: ids }, type: 'received' } })) === ids.length
        ? true
        : undefined,
    120_000,
  );
  const rows = await stack.db.case.findMany({ where: { id: { in: ids } } });
  const before = new Map(rows.map((r) => [r.id, r.deadlineDate]));
  const deadlines = rows.map((r) => r.deadlineDate).sort();
  const profile = rows[0]?.profileId ?? DEFAULT_PROFILE_ID;
  const plan = await planDrillCalendar(stack.db, run, profile, deadlines[0], deadlines[deadlines.length - 1]);
  // what the engine says, per drill case, before and after the new version
  const expected = new Map(
    rows.map((r) => {
      const old = plan.oldDeadline(r.profileId, r.receivedAt, r.workingDays);
      const next = plan.newDeadline(r.profileId, r.receivedAt, r.workingDays);
      return [r.id, { stored: r.deadlineDate, old, next, shift: plan.shift(r.profileId, old, next) }];
    }),
  );

  const pids = workerPids(stack);
  if (pids.length === 0) throw new Error('no worker process of this stack found');
  const freezes = await freezeOutsideTransactions(stack, pids);
  const t0 = Date.now();
  let load: Awaited<ReturnType<typeof call>>;
  let movedWhileDown: number;
  try {
    load = await call(stack, stack.keys.admin, 'PUT', `/calendar/${plan.year}`, plan.next);
    // longer than one outbox sweep (30 s): with the worker down no case may move
    await sleep(35_000);
    movedWhileDown = (await deadlinesOf(stack, ids)).filter(([id, d]) => d !== before.get(id)).length;
  } finally {
    signal(pids, 'SIGCONT');
  }
  if (load.status !== 201) {
    throw new Error(`PUT /calendar/${plan.year} answered ${load.status}: ${JSON.stringify(load.body)}`);
  }
  const answer = load.body as LoadAnswer;
  // every open case whose deadline the version moves: the drill's and any other on the stack
  const affected = answer.effect.affected.filter((a) => a.oldDeadline !== a.newDeadline);
  const target = new Map(affected.map((a) => [a.caseId, a.newDeadline]));

  const settled = await waitFor(
    async () => {
      const now = await stack.db.case.findMany({
        where: { id: { in: [...target.keys()] } },
        select: { id: true, deadlineDate: true },
      });
      return now.every((r) => r.deadlineDate === target.get(r.id)) ? Date.now() : undefined;
    },
    180_000,
    2_000,
  );

  let lost = 0;
  let duplicated = 0;
  let recomputed = 0;
  for (const id of target.keys()) {
    // only what this load caused: events from the moment it was sent
    const since = eventsSince(await historyOf(stack, id), t0 - 1_000);
    const signals = signalsNamed(since, 'calendarChanged');
    const schedules = activitiesNamed(since, 'computeSchedule');
    if (signals === 0 || schedules === 0) lost++;
    else if (signals > 1 || schedules > 1) duplicated++;
    else recomputed++;
  }
  const after = await stack.db.case.findMany({ where: { id: { in: ids } } });
  const expectMoved = [...expected.values()].filter((e) => e.next !== e.stored).length;
  const moved = after.filter((r) => {
    const e = expected.get(r.id);
    return e !== undefined && e.next !== e.stored && r.deadlineDate === e.next;
  }).length;
  const completed = after.filter((r) => r.deadlineDate === expected.get(r.id)?.next).length;
  const shifts = [...new Set([...expected.values()].map((e) => e.shift))].join('/');
  const pending = await stack.db.calendarSignal.count({ where: { caseId: { in: [...target.keys()] } } });

  // the stack keeps its calendar: the version in force before is loaded again (cases recompute back)
  const restoreStarted = Date.now();
  // while the worker still recomputes the forward change, this load took over 30 s with ~400 open cases
  const restore = await call(
    stack,
    stack.keys.admin,
    'PUT',
    `/calendar/${plan.year}`,
    plan.previous,
    {},
    180_000,
  );
  // every affected open case recomputes back, the drill's among them: a stack that kept many open cases from
  // earlier runs needs longer than a fresh one (378 took 84 s to move forward)
  const restoreWaitMs = Math.max(180_000, target.size * 1_000);
  const restored =
    restore.status === 201 &&
    (await waitFor(
      async () => {
        const now = await deadlinesOf(stack, ids);
        return now.every(([id, d]) => d === before.get(id)) ? true : undefined;
      },
      restoreWaitMs,
      2_000,
    )) === true;
  const restoreSeconds = Math.round((Date.now() - restoreStarted) / 1000);

  const ok =
    lost === 0 &&
    duplicated === 0 &&
    pending === 0 &&
    movedWhileDown === 0 &&
    expectMoved === ids.length &&
    moved === expectMoved &&
    completed === ids.length &&
    recomputed === target.size &&
    [...expected.values()].every((e) => e.old === e.stored) &&
    restored;
  return {
    ok,
    line:
      `drill calendar-outbox: ${ok ? 'PASS' : 'FAIL'} started=${ids.length} completed=${completed} lost=${lost} ` +
      `duplicated=${duplicated} deadlines_moved=${moved} expected=${expectMoved} shift_working_days=${shifts} ` +
      `open_cases_affected=${target.size} recomputed_once=${recomputed} signalled=${answer.signalled.length} ` +
      `signal_failed=${answer.signalFailed.length} outbox_pending=${pending} moved_while_worker_down=${movedWhileDown} ` +
      `recomputed_after_s=${settled ? Math.round((settled - t0) / 1000) : 'never'} ` +
      `calendar=${plan.year}v${answer.version} (${plan.makeUpSaturday} 上班, ${plan.restWeekday} 休) ` +
      `restored=${restored ? 1 : 0} restore_status=${restore.status} restore_s=${restoreSeconds} ` +
      `freeze_attempts=${freezes}`,
  };
}
