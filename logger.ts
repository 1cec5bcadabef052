import pino from 'pino';

/** Structured logs; secrets (API keys, SMTP password) and personal data are redacted at the source. */
export const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers["x-api-key"]',
      '*.password',
      '*.apiKey',
      '*.email',
      '*.phone',
    ],
    censor: '[redacted]',
  },
});
