import { Prisma } from '../prisma/client';

/** A unique constraint refused the write (Prisma P2002): someone else wrote the same key first. */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
}

/** Prisma's codes for "cannot reach / lost the database", and Postgres' SQLSTATEs for a server shutting down. */
const UNREACHABLE_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // reached but timed out
  'P1008', // operation timed out
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08001',
  '08003',
  '08006',
]);

const UNREACHABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down)|Can't reach database server|Timed out fetching a new connection/i;

/**
 * The database is down or restarting (not: the query was wrong). Entry points answer 503 for it instead of a
 * 500, so a client retries later (issue 14, drill 4). Prisma's driver-adapter errors nest the pg error as
 * `cause`, so the chain is searched.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 6; depth++) {
    const x = cur as {
      name?: unknown;
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errorCode?: unknown;
    };
    if (x.name === 'PrismaClientInitializationError') return true;
    if (typeof x.code === 'string' && UNREACHABLE_CODES.has(x.code)) return true;
    if (typeof x.errorCode === 'string' && UNREACHABLE_CODES.has(x.errorCode)) return true;
    if (typeof x.message === 'string' && UNREACHABLE_TEXT.test(x.message)) return true;
    cur = x.cause;
  }
  return false;
}
