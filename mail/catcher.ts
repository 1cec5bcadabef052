/**
 * A local SMTP catcher (smtp-server + mailparser): accepts every message, keeps it in memory and shows it on a
 * tiny web page (`GET /`) and as JSON (`GET /messages.json`). `npm start` runs it when no SMTP_HOST is set, so
 * a new user sees the mail the system sends; tests use it as the real SMTP server. `POST /smtp/stop` and
 * `POST /smtp/start` on the web page's port close and reopen the SMTP port, so the SMTP-outage drill (issue 14)
 * can take the mail server of a running `npm start` down and up again.
 *
 * With `ignoreDuplicateIds` (Mailpit's `--ignore-duplicate-ids`, which compose's staging catcher runs with) it is an
 * idempotent receiver: a second message with a Message-ID already in the inbox is accepted and dropped, and
 * counted. Plain SMTP can only deliver at least once — a sender that crashes between the server's 250 and its own
 * record of it must send again — so a mailbox that shows every mail once needs the receiver to drop repeats of a
 * Message-ID, as Mailpit and Sieve's `duplicate` test (RFC 7352, Dovecot) do. Our Message-IDs are derived from
 * (case, event, recipient), so a repeat is always the same mail.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { escapeHtml } from './templates';

export interface CaughtMessage {
  id: number;
  receivedAt: string;
  envelopeFrom?: string;
  envelopeTo: string[];
  messageId?: string;
  from?: string;
  to?: string;
  subject?: string;
  text?: string;
  html?: string;
}

export interface MailCatcherOptions {
  host?: string;
  smtpPort?: number; // 0 or absent: any free port
  httpPort?: number; // absent: no web page
  /** a reply for recipients to refuse, e.g. `550 5.1.1 mailbox unavailable` for a bad address */
  reject?: (address: string) => { code: number; message: string } | undefined;
  limit?: number;
  /** drop (and count) a message whose Message-ID is already in the inbox; off by default, as in Mailpit */
  ignoreDuplicateIds?: boolean;
}

export interface IgnoredDuplicate {
  messageId: string;
  receivedAt: string;
}

export interface MailCatcher {
  smtpPort: number;
  httpPort?: number;
  webUrl?: string;
  messages: CaughtMessage[];
  /** repeats of a Message-ID dropped under `ignoreDuplicateIds` (the newest `limit`) */
  ignored: IgnoredDuplicate[];
  /** stops accepting SMTP connections (the port refuses them) until `resumeSmtp` */
  pauseSmtp(): void;
  resumeSmtp(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMailCatcher(opts: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  const limit = opts.limit ?? 1000;
  const messages: CaughtMessage[] = [];
  const ignored: IgnoredDuplicate[] = [];
  const seen = new Set<string>();
  let next = 1;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, cb) {
      cb(null, { user: 'catcher' });
    },
    onRcptTo(address, _session, cb) {
      const refusal = opts.reject?.(address.address);
      if (!refusal) return cb();
      const err = new Error(refusal.message) as Error & { responseCode: number };
      err.responseCode = refusal.code;
      cb(err);
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          const addr = (a: typeof mail.to) => (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a?.text);
          if (opts.ignoreDuplicateIds && mail.messageId && seen.has(mail.messageId)) {
            ignored.push({ messageId: mail.messageId, receivedAt: new Date().toISOString() });
            if (ignored.length > limit) ignored.splice(0, ignored.length - limit);
            return cb();
          }
          if (mail.messageId) seen.add(mail.messageId);
          messages.push({
            id: next++,
            receivedAt: new Date().toISOString(),
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            messageId: mail.messageId,
            from: mail.from?.text,
            to: addr(mail.to),
            subject: mail.subject,
            text: mail.text,
            html: typeof mail.html === 'string' ? mail.html : undefined,
          });
          if (messages.length > limit) {
            for (const m of messages.splice(0, messages.length - limit))
              if (m.messageId) seen.delete(m.messageId);
          }
          cb();
        })
        .catch((e: Error) => cb(e));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort ?? 0, host, () => {
      smtp.off('error', reject);
      resolve();
    });
  });
  smtp.on('error', () => undefined); // a client dropping the connection must not kill the process
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  let smtpListening = true;
  const pauseSmtp = () => {
    if (!smtpListening) return;
    smtpListening = false;
    // stops listening at once and, like a server going down, ends the connections senders keep open (a pooled
    // transport would otherwise go on delivering through them); a message in flight fails and is sent again
    smtp.server.close();
    const open = (
      smtp as unknown as { connections: Set<{ send(code: number, text: string): void; close(): void }> }
    ).connections;
    for (const c of [...open]) {
      c.send(421, 'Service not available, closing transmission channel');
      c.close();
    }
  };
  const resumeSmtp = () =>
    new Promise<void>((resolve, reject) => {
      if (smtpListening) return resolve();
      smtp.server.once('error', reject);
      smtp.server.listen(smtpPort, host, () => {
        smtp.server.off('error', reject);
        smtpListening = true;
        resolve();
      });
    });

  let web: http.Server | undefined;
  let httpPort: number | undefined;
  if (opts.httpPort !== undefined) {
    web = http.createServer((req, res) => {
      if (req.method === 'POST' && (req.url === '/smtp/stop' || req.url === '/smtp/start')) {
        const done = () => {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ smtpListening }));
        };
        if (req.url === '/smtp/stop') return (pauseSmtp(), done());
        resumeSmtp().then(done, (e: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`SMTP 端口无法重新打开: ${e.message}`);
        });
        return;
      }
      if (req.url === '/smtp') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(
          JSON.stringify({
            smtpListening,
            smtpPort,
            ignoreDuplicateIds: opts.ignoreDuplicateIds === true,
            ignoredDuplicates: ignored.length,
          }),
        );
        return;
      }
      if (req.url === '/messages.json') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(messages));
        return;
      }
      if (req.url === '/ignored.json') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(ignored));
        return;
      }
      if (req.url === '/' || req.url === '') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page(messages, ignored.length));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('未找到');
    });
    await new Promise<void>((resolve, reject) => {
      web!.once('error', reject);
      web!.listen(opts.httpPort, host, () => resolve());
    });
    httpPort = (web.address() as AddressInfo).port;
  }

  return {
    smtpPort,
    httpPort,
    webUrl: httpPort ? `http://${host}:${httpPort}/` : undefined,
    messages,
    ignored,
    pauseSmtp,
    resumeSmtp,
    async stop() {
      if (!smtpListening) await resumeSmtp(); // smtp.close waits for a listening server
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (web) await new Promise<void>((resolve) => web!.close(() => resolve()));
    },
  };
}

function page(messages: CaughtMessage[], ignoredCount: number): string {
  const e = (s: string | undefined) => escapeHtml(s ?? '');
  const items = [...messages]
    .reverse()
    .map(
      (m) =>
        `<details><summary><b>${e(m.subject)}</b> → ${e(m.envelopeTo.join(', '))} <small>${e(m.receivedAt)}</small></summary>` +
        `<p><small>Message-ID: ${e(m.messageId)}<br>From: ${e(m.from)}<br>To: ${e(m.to)}</small></p><pre style="white-space:pre-wrap">${e(m.text)}</pre></details>`,
    )
    .join('\n');
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">' +
    '<title>邮件收件箱 (本地)</title></head><body style="font-family:sans-serif">' +
    `<h1>本地邮件收件箱</h1><p>共 ${messages.length} 封 (仅保存在内存中; <a href="/messages.json">JSON</a>)` +
    (ignoredCount > 0
      ? `; 另有 ${ignoredCount} 次相同 Message-ID 的重复投递已忽略 (<a href="/ignored.json">JSON</a>)`
      : '') +
    `</p>${items || '<p>暂无邮件</p>'}</body></html>`
  );
}
