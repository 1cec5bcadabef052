import nodemailer, { type Transporter } from 'nodemailer';
import type { AppConfig } from '../config';

/**
 * SMTP transport from the configuration. Short timeouts: a mail server that does not answer makes the notify
 * activity fail fast and retry with Temporal's backoff instead of hanging an activity slot.
 */
export function createMailTransport(smtp: AppConfig['smtp']): Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 20_000,
  });
}
