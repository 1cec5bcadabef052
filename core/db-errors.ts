import { Prisma } from '../prisma/client';

/** A unique constraint refused the write (Prisma P2002): someone else wrote the same key first. */
export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
}
