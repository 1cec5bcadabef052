import nodemailer, { type Transporter } from 'nodemailer';
import type { AppConfig } from '../config';

/**
 * SMTP transport from the configuration. Short timeouts: a mail server that does not answer makes the notify
 * activity fail fast and retry with Temporal's backoff instead of hanging an activity slot.
 *
 * Pooled by default: a few connections kept open and shared by every concurrent notify activity, instead of a
 * TCP connection, greeting and EHLO per mail (issue 15's bench: that handshake, not the server, bounded mails/s).
 * sendMail still resolves only on the server's 250 for that message, so the outbox marks a row SENT no earlier.
 */
export function createMailTransport(smtp: AppConfig['smtp']): Transporter {
  const connections = smtp.poolConnections ?? 5;
  const common = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 20_000,
  };
  if (connections <= 0) return nodemailer.createTransport(common);
  return nodemailer.createTransport({ ...common, pool: true, maxConnections: connections });
}
