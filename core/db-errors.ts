import { Prisma } from '../prisma/client';

/**
 * A unique constraint refused the write: someone else wrote the same key first. Prisma's P2002 for its own
 * queries; a raw query's failure (P2010) carries the driver adapter's kind or Postgres' SQLSTATE 23505.
 */
export function isUniqueViolation(e: unknown): boolean {
  if (!(e instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (e.code === 'P2002') return true;
  const meta = (e.meta ?? {}) as { code?: unknown; driverAdapterError?: { cause?: { kind?: unknown } } };
  return (
    e.code === 'P2010' &&
    (meta.code === '23505' || meta.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation')
  );
}

/** Prisma's codes for "cannot reach / lost the database", and Postgres' SQLSTATEs for a server shutting down. */
const UNREACHABLE_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // reached but timed out
  'P1008', // operation timed out
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
  'P2028', // a transaction could not start (or ran out) in time: the pool is exhausted by a slow or absent server
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

/** The pg driver adapter's error kinds for the same (Prisma's meta.driverAdapterError.cause.kind). */
const UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

const UNREACHABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|Connection terminated|not queryable|closed the connection|terminating connection due to administrator command|the database system is (starting up|shutting down)|Can't reach database server|Timed out fetching a new connection/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
}

/**
 * The database is down or restarting (not: the query was wrong). Entry points answer 503 for it instead of a
 * 500, so a client retries later (issue 14, drill 4). Prisma's known-request errors carry the driver adapter's
 * error in `meta.driverAdapterError.cause` (kind, SQLSTATE); other errors nest it as `cause`.
 */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 6) return false;
  const x = e as ErrorLike;
  if (x.name === 'PrismaClientInitializationError') return true;
  if (typeof x.code === 'string' && UNREACHABLE_CODES.has(x.code)) return true;
  if (typeof x.kind === 'string' && UNREACHABLE_KINDS.has(x.kind)) return true;
  if (typeof x.message === 'string' && UNREACHABLE_TEXT.test(x.message)) return true;
  return (
    isDatabaseUnavailable(x.meta?.driverAdapterError?.cause, depth + 1) ||
    isDatabaseUnavailable(x.cause, depth + 1)
  );
}
