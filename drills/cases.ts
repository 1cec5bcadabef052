/**
 * The drills' cases: started through the use-case (like the demo seeding; the API refuses receipts more than 10
 * working days back, and a drill needs deadlines already gone so their timers fire at once), answered over the
 * API like a department system, and checked afterwards against Temporal, the read model, the outbox and the
 * catcher's inbox.
 */
import { startCase } from '../core/cases/start';
import { reconcileCases } from '../core/cases/reconcile';
import { call, type Stack } from './stack';

/** open: nothing due; overdue: deadline already gone (its timer fires at once); answer: approved by the drill */
export type DrillKind = 'open' | 'overdue' | 'answer';

export interface DrillCase {
  id: string;
  kind: DrillKind;
}

const DAY = 86_400_000;

export function kindOf(i: number): DrillKind {
  return (['answer', 'overdue', 'open'] as const)[i % 3];
}

/** Starts one P1 case (民政厅 asks 人社厅 for SB-0003); idempotent per (run, i). */
export async function startDrillCase(
  stack: Stack,
  run: string,
  i: number,
  kind: DrillKind,
): Promise<DrillCase> {
  const { caseId } = await startCase(
    { db: stack.db, temporal: stack.temporal, calendars: stack.calendars, taskQueue: stack.taskQueue },
    {
      clientId: 'drill',
      idempotencyKey: `${run}-${i}`,
      procedure: 'P1',
      // 30 calendar days back: past the 10 working days of 第十九条 in any month
      receivedAt: kind === 'overdue' ? new Date(Date.now() - 30 * DAY).toISOString() : undefined,
      requesterDepartmentId: 'NMG-MZT',
      responsibleDepartmentId: 'NMG-RST',
      resourceId: 'SB-0003',
      details: { purpose: `演练 ${run}`, scope: '参保状态', drill: run },
      actor: 'drill',
    },
  );
  return { id: caseId, kind };
}

/**
 * 人社厅 approves over the API, retrying through a worker or server outage (the answer waits for the workflow).
 * A 409 after an attempt that got no answer means that attempt went through.
 */
export async function answerCase(
  stack: Stack,
  id: string,
  deadlineMs = 300_000,
): Promise<'answered' | 'failed'> {
  const until = Date.now() + deadlineMs;
  let tried = false;
  while (Date.now() < until) {
    const r = await call(
      stack,
      stack.keys.rst,
      'POST',
      `/cases/${id}/actions`,
      { type: 'approve', scope: '参保状态', purpose: '演练' },
      {},
      60_000,
    );
    if (r.status === 200 || r.status === 201) return 'answered';
    const code = (r.body as { code?: string } | undefined)?.code;
    if (r.status === 409 && tried && (code === 'case_closed' || code === 'wrong_stage')) return 'answered';
    tried = true;
    await new Promise((res) => setTimeout(res, 2_000));
  }
  return 'failed';
}

export interface CaughtMail {
  messageId?: string;
}

const countById = (mails: CaughtMail[]) => {
  const counts = new Map<string, number>();
  for (const m of mails) if (m.messageId) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
  return counts;
};

/**
 * The catcher's inbox by Message-ID, and the repeats it dropped as an idempotent receiver (mail/catcher.ts
 * `ignoreDuplicateIds`, as npm start runs it): a worker killed between the server's 250 and the outbox's SENT
 * mark sends that mail again, which plain SMTP cannot avoid; the inbox still holds it once.
 */
export async function inbox(
  stack: Stack,
): Promise<{ delivered: Map<string, number>; redelivered: Map<string, number> }> {
  const delivered = countById((await (await fetch(`${stack.mailUi}/messages.json`)).json()) as CaughtMail[]);
  const ignored = await fetch(`${stack.mailUi}/ignored.json`);
  const redelivered = ignored.ok
    ? countById((await ignored.json()) as CaughtMail[])
    : new Map<string, number>();
  return { delivered, redelivered };
}

export interface Verdict {
  started: number;
  completed: number;
  lost: number;
  duplicated: number;
  mailsExpected: number;
  mailsDelivered: number;
  mailsDuplicated: number;
  /** repeats of the drill's mails that reached the catcher and were dropped by it as the same Message-ID */
  mailsRedelivered: number;
  mailsPending: number;
  grants: number;
  disagreeing: number;
  problems: string[];
}

/** Whether a case has reached where its kind should be, by the read model and by its workflow. */
function reached(kind: DrillKind, row: { status: string; stage: string; overdue: boolean }): boolean {
  if (kind === 'answer') return row.status === 'CLOSED' && row.stage === 'approved';
  if (kind === 'overdue') return row.status === 'OPEN' && row.overdue;
  return row.status === 'OPEN' && row.stage === 'awaiting_answer' && !row.overdue;
}

/**
 * Mail events each kind must have produced. An answer that overtakes the case's first step rightly sends no
 * new-case mail (the workflow's no-new-case-mail-after-answer), so for answered cases only the outcome counts.
 */
const MAIL_EVENTS: Record<DrillKind, string[]> = {
  open: ['received'],
  overdue: ['received', 'overdue'],
  answer: ['answered'],
};

/** Every check of a drill's cases in one pass; `problems` names the first few failures. */
export async function verifyCases(stack: Stack, cases: DrillCase[]): Promise<Verdict> {
  const ids = cases.map((c) => c.id);
  const problems: string[] = [];
  const rows = new Map((await stack.db.case.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, r]));
  const recon = await reconcileCases({ db: stack.db, temporal: stack.temporal }, { caseIds: ids });
  const drifting = new Set(recon.drifts.map((d) => d.caseId));
  for (const d of recon.drifts.slice(0, 3))
    problems.push(`${d.caseId}: ${d.kind} ${JSON.stringify(d.fields ?? d.error ?? '')}`);
  let completed = 0;
  for (const c of cases) {
    const row = rows.get(c.id);
    if (row && reached(c.kind, row) && !drifting.has(c.id)) completed++;
    else if (problems.length < 6)
      problems.push(
        `${c.id} (${c.kind}): ${row ? `${row.status}/${row.stage}/overdue=${row.overdue}` : 'no row'}`,
      );
  }
  const grants = await stack.db.grant.groupBy({
    by: ['caseId'],
    where: { caseId: { in: ids } },
    _count: true,
  });
  const grantDup = grants.filter((g) => g._count > 1).length;
  const grantAudit = await stack.db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM (
      SELECT data->>'caseId' FROM "AuditLog" WHERE action = 'grant_created' AND data->>'caseId' = ANY(${ids})
      GROUP BY 1 HAVING count(*) > 1) d`;
  const notifications = await stack.db.notification.findMany({
    where: { caseId: { in: ids } },
    select: { caseId: true, eventKey: true, messageId: true, status: true },
  });
  const { delivered: caught, redelivered } = await inbox(stack);
  let mailsExpected = 0;
  let mailsMissingEvent = 0;
  for (const c of cases) {
    for (const ev of MAIL_EVENTS[c.kind]) {
      const has = notifications.some((n) => n.caseId === c.id && n.eventKey === ev);
      if (!has) {
        mailsMissingEvent++;
        if (problems.length < 8) problems.push(`${c.id}: no ${ev} mail in the outbox`);
      }
    }
  }
  let delivered = 0;
  let mailDup = 0;
  let pending = 0;
  let mailsRedelivered = 0;
  for (const n of notifications) {
    mailsExpected++;
    const k = caught.get(n.messageId) ?? 0;
    if (k >= 1) delivered++;
    if (k > 1) mailDup++;
    mailsRedelivered += redelivered.get(n.messageId) ?? 0;
    if (n.status !== 'SENT') pending++;
  }
  const lost = cases.length - completed;
  return {
    started: cases.length,
    completed,
    lost,
    duplicated: grantDup + Number(grantAudit[0]?.n ?? 0) + mailDup,
    mailsExpected: mailsExpected + mailsMissingEvent,
    mailsDelivered: delivered,
    mailsDuplicated: mailDup,
    mailsRedelivered,
    mailsPending: pending,
    grants: grants.length,
    disagreeing: drifting.size,
    problems,
  };
}

export function summaryLine(name: string, v: Verdict, extra: Record<string, string | number> = {}): string {
  const parts = {
    started: v.started,
    completed: v.completed,
    lost: v.lost,
    duplicated: v.duplicated,
    mails_expected: v.mailsExpected,
    mails_delivered: v.mailsDelivered,
    mails_duplicated: v.mailsDuplicated,
    mails_redelivered: v.mailsRedelivered,
    grants: v.grants,
    ...extra,
  };
  const ok = v.lost === 0 && v.duplicated === 0 && v.mailsDelivered === v.mailsExpected;
  return `drill ${name}: ${ok ? 'PASS' : 'FAIL'} ${Object.entries(parts)
    .map(([k, x]) => `${k}=${x}`)
    .join(' ')}`;
}
