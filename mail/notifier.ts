/**
 * Notifier over an outbox: every message is recorded in Notification before it is sent, under a Message-ID
 * derived from (case, event, recipient), so a Temporal retry finds the same rows and sends only what is still
 * PENDING. Transient SMTP trouble throws (the activity retries with backoff); a permanent 5xx marks the row
 * FAILED for supervisors to see and does not block the workflow.
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { CalendarProvider, Notifier } from '../activities';
import type { NotifyInput } from '../activities/types';
import type { Db } from '../prisma/client';
import { isDatabaseUnavailable } from '../core/db-errors';
import { currentStaffWhere } from '../core/registry/staff';
import type { ProcedureCode } from '../workflows/types';
import { renderMail, type DayCount, type MailFacts, type MailKind } from './templates';

export interface MailNotifierDeps {
  db: Db;
  transport: Transporter;
  from: string;
  publicBaseUrl: string;
  /** with it, days left are counted in working days on the official calendar; without, in calendar days */
  calendars?: CalendarProvider;
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

interface Person {
  name: string;
  email: string;
}

interface Planned {
  kind: MailKind;
  /** eventKey as stored: the workflow's key, with a suffix for gap alerts */
  eventKey: string;
  to: Person;
  gapDepartment?: string;
  /** a supervisor's copy of a mail meant for a department */
  copy?: boolean;
}

const DAY = 86_400_000;

/** Message-ID local part is a dot-atom: characters outside it (e.g. ':' in reminder keys) become '-'. */
export function messageIdFor(caseId: string, eventKey: string, recipient: string): string {
  const atom = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '-');
  const hash = createHash('sha256').update(recipient.toLowerCase()).digest('hex').slice(0, 12);
  return `<${atom(caseId)}.${atom(eventKey)}.${hash}@gxcase.local>`;
}

/** 5xx replies are permanent (bad mailbox, policy); connection errors and 4xx are worth retrying. */
export function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** SMTP reply code, or the socket error code (ECONNREFUSED, ETIMEDOUT) when no reply came. */
function smtpCodeOf(err: unknown): string | undefined {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e?.responseCode === 'number') return `SMTP ${e.responseCode}`;
  return typeof e?.code === 'string' ? e.code : undefined;
}

/** What a P6 step's timeline event says that its mail repeats: the round, the reasons for a send-back. */
function stepOf(data: unknown): MailFacts['step'] {
  const d = (data ?? {}) as { round?: unknown; reasons?: unknown };
  if (typeof d.round !== 'number') return undefined;
  return { round: d.round, reasons: typeof d.reasons === 'string' ? d.reasons : undefined };
}

export function createMailNotifier(deps: MailNotifierDeps): Notifier {
  const { db, transport, from } = deps;
  const base = deps.publicBaseUrl.replace(/\/+$/, '');
  const log = deps.log ?? (() => undefined);

  async function activeStaff(departmentIds: string[], at: Date): Promise<Map<string, Person[]>> {
    const rows = await db.staff.findMany({
      where: {
        departmentId: { in: departmentIds },
        ...currentStaffWhere(at),
      },
      orderBy: [{ departmentId: 'asc' }, { name: 'asc' }],
    });
    const map = new Map<string, Person[]>(departmentIds.map((id) => [id, []]));
    for (const r of rows) map.get(r.departmentId)?.push({ name: r.name, email: r.email });
    return map;
  }

  async function dayCounts(
    c: { deadlineDate: string; dueAt: Date; profileId: string },
    asOf: Date,
  ): Promise<{ daysLeft?: DayCount; daysOverdue?: DayCount }> {
    if (asOf.getTime() >= c.dueAt.getTime()) {
      return { daysOverdue: { n: Math.floor((asOf.getTime() - c.dueAt.getTime()) / DAY), unit: 'calendar' } };
    }
    if (deps.calendars) {
      try {
        const { calendar } = await deps.calendars.forProfile(c.profileId);
        // counted as if received at this moment: today is not counted, day 1 is the next working day. A timer
        // set for the end of a day (24:00) fires a few ms into the next one; a minute's slack keeps that day.
        const from = new Date(asOf.getTime() - 60_000).toISOString();
        let n = 0;
        while (n < 400 && calendar.deadline(from, n + 1).deadline <= c.deadlineDate) n++;
        return { daysLeft: { n, unit: 'working' } };
      } catch (e) {
        log('working-day count failed; using calendar days', { err: String(e) });
      }
    }
    return { daysLeft: { n: Math.ceil((c.dueAt.getTime() - asOf.getTime()) / DAY), unit: 'calendar' } };
  }

  async function send(
    row: {
      id: string;
      messageId: string;
      recipient: string;
      subject: string;
      bodyText: string;
      bodyHtml: string;
    },
    name: string,
  ) {
    try {
      const info = await transport.sendMail({
        from,
        to: { name, address: row.recipient },
        subject: row.subject,
        text: row.bodyText,
        html: row.bodyHtml,
        messageId: row.messageId,
      });
      const sent = {
        status: 'SENT' as const,
        smtpResponse: String(info.response ?? ''),
        sentAt: new Date(),
        attempts: { increment: 1 },
        lastError: null,
      };
      // The mail is out: if the row cannot be marked now (Postgres restarting), a retried activity would send
      // it again, so keep trying here for most of the activity's 30 s (the Postgres drill of issue 14 saw that).
      for (let wait = 250, until = Date.now() + 20_000; ; wait = Math.min(wait * 2, 4_000)) {
        try {
          await db.notification.update({ where: { id: row.id }, data: sent });
          break;
        } catch (e) {
          if (!isDatabaseUnavailable(e) || Date.now() + wait > until) throw e;
          await new Promise((r) => setTimeout(r, wait));
        }
      }
      return undefined;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const permanent = isPermanent(e);
      await db.notification.update({
        where: { id: row.id },
        data: {
          status: permanent ? 'FAILED' : 'PENDING',
          lastError: message.slice(0, 2000),
          attempts: { increment: 1 },
        },
      });
      if (permanent) {
        // the address and the server's text (which often quotes it) stay in the outbox row, not in logs
        log('mail rejected permanently', { notificationId: row.id, messageId: row.messageId });
        return undefined;
      }
      // becomes the activity's failure message, kept in Temporal's history: no address in it
      return `notification ${row.id}: ${smtpCodeOf(e) ?? 'connection error'}`;
    }
  }

  return {
    async enqueue(input: NotifyInput): Promise<void> {
      const c = await db.case.findUnique({ where: { id: input.caseId } });
      if (!c) throw new Error(`案件 ${input.caseId} 不存在, 无法发送通知`);
      // the moment the event happened (virtual time under test), so texts are the same on every retry
      const event = await db.caseEvent.findUnique({
        where: { caseId_eventKey: { caseId: c.id, eventKey: input.eventKey } },
      });
      const asOf = event?.at ?? new Date();
      const procedure = c.procedure.split('_')[0] as ProcedureCode;

      const supervisorDepts = await db.department.findMany({
        where: { OR: [{ isCoordinationOffice: true }, { isManagementDept: true }] },
        orderBy: { id: 'asc' },
      });
      const toRequester = input.to === 'requester' || input.to === 'requester_and_supervisors';
      const targetIds = toRequester
        ? c.requesterDepartmentId
          ? [c.requesterDepartmentId]
          : []
        : [c.responsibleDepartmentId];
      const staff = await activeStaff(
        [...new Set([...targetIds, ...supervisorDepts.map((d) => d.id)])],
        new Date(),
      );
      const supervisors = supervisorDepts.flatMap((d) => staff.get(d.id) ?? []);
      const deptIds = [
        ...new Set(
          [c.responsibleDepartmentId, c.requesterDepartmentId, ...targetIds].filter((x): x is string => !!x),
        ),
      ];
      const deptNames = new Map(
        (await db.department.findMany({ where: { id: { in: deptIds } } })).map((d) => [d.id, d.name]),
      );
      const baseKind: MailKind = input.kind === 'overdue' ? 'overdue_staff' : input.kind;

      const planned: Planned[] = [];
      for (const deptId of targetIds) {
        const people = staff.get(deptId) ?? [];
        if (people.length > 0) {
          for (const p of people) planned.push({ kind: baseKind, eventKey: input.eventKey, to: p });
        } else {
          // 第二十七条: nobody to tell in that department, so the supervisors learn of the gap instead
          for (const p of supervisors) {
            planned.push({
              kind: 'staff_gap',
              eventKey: `${input.eventKey}#gap:${deptId}`,
              to: p,
              gapDepartment: deptId,
            });
          }
          if (supervisors.length === 0)
            log('no active staff and no supervisors to alert', { caseId: c.id, departmentId: deptId });
        }
      }
      if (input.to === 'responsible_and_supervisors' || input.to === 'requester_and_supervisors') {
        // an overdue case is news of its own for supervisors; any other step reaches them as a copy (抄送)
        const kind: MailKind = input.kind === 'overdue' ? 'overdue_supervisor' : baseKind;
        for (const p of supervisors)
          planned.push({ kind, eventKey: input.eventKey, to: p, copy: kind === baseKind });
      }
      if (targetIds.length === 0) log('notification has no addressee department', { ...input });

      const counts = await dayCounts(c, asOf);
      const notice =
        procedure === 'P6' ? await db.rectificationNotice.findUnique({ where: { caseId: c.id } }) : null;
      const resource = c.resourceId ? await db.resource.findUnique({ where: { id: c.resourceId } }) : null;
      const names = new Map<string, string>();
      const byId = new Map<string, Planned>();
      for (const p of planned) {
        const messageId = messageIdFor(c.id, p.eventKey, p.to.email);
        if (byId.has(messageId)) continue; // one person in two roles gets the first (staff) message only
        byId.set(messageId, p);
        names.set(p.to.email.toLowerCase(), p.to.name);
        const facts: MailFacts = {
          kind: p.kind,
          caseId: c.id,
          procedure,
          deadlineDate: c.deadlineDate,
          provisional: c.provisional,
          recipientName: p.to.name,
          responsibleDepartment: deptNames.get(c.responsibleDepartmentId) ?? c.responsibleDepartmentId,
          requesterDepartment: c.requesterDepartmentId
            ? (deptNames.get(c.requesterDepartmentId) ?? c.requesterDepartmentId)
            : undefined,
          resourceName: resource ? `${resource.name} (${resource.id})` : (c.resourceId ?? undefined),
          parentCaseId: c.parentCaseId ?? undefined,
          outcome: c.outcome ?? undefined,
          ...(input.kind === 'outcome' ? {} : counts),
          gapDepartment: p.gapDepartment ? (deptNames.get(p.gapDepartment) ?? p.gapDepartment) : undefined,
          gapFor: p.gapDepartment ? baseKind : undefined,
          copy: p.copy,
          notice: notice
            ? {
                number: notice.number,
                issuingBody: notice.issuingBody,
                grounds: notice.grounds,
                facts: notice.facts,
              }
            : undefined,
          step: stepOf(event?.data),
          link: `${base}/dashboard/cases/${encodeURIComponent(c.id)}`,
        };
        const mail = renderMail(facts);
        // recorded before sending; a retry finds the row (content as first rendered) and never adds a second
        await db.notification.upsert({
          where: { messageId },
          create: {
            caseId: c.id,
            eventKey: p.eventKey,
            kind: p.kind,
            recipient: p.to.email,
            subject: mail.subject,
            bodyText: mail.text,
            bodyHtml: mail.html,
            messageId,
          },
          update: {},
        });
      }

      const pending = await db.notification.findMany({
        where: { messageId: { in: [...byId.keys()] }, status: 'PENDING' },
      });
      // in plan order: staff first, then supervisors
      const order = [...byId.keys()];
      pending.sort((a, b) => order.indexOf(a.messageId) - order.indexOf(b.messageId));
      const transient: string[] = [];
      for (const row of pending) {
        const err = await send(row, names.get(row.recipient.toLowerCase()) ?? row.recipient);
        // the server is unreachable or busy: the rest would wait out the same timeouts, so leave them for the retry
        if (err) {
          transient.push(err);
          break;
        }
      }
      if (transient.length > 0) {
        throw new Error(`邮件暂时无法发送 (${pending.length} 封待发), 将重试: ${transient[0]}`);
      }
    },
  };
}
