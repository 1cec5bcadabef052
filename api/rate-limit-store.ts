/**
 * express-rate-limit store on Postgres, so every API replica counts against one budget per client (the
 * in-memory store gives each replica its own). Like the memory store, a key's window opens with its first
 * request and lasts windowMs; one atomic upsert per request.
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Db } from '../prisma/client';

export class PostgresRateLimitStore implements Store {
  private windowMs = 60_000;
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    /** distinguishes limiters sharing the table */
    private readonly namespace: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private keyOf(key: string): string {
    return `${this.namespace}:${key}`;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = new Date();
    const expired = new Date(now.getTime() - this.windowMs);
    const rows = await this.db.$queryRaw<{ hits: number; windowStart: Date }[]>`
      INSERT INTO "RateLimitWindow" (key, "windowStart", hits) VALUES (${this.keyOf(key)}, ${now}, 1)
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN "RateLimitWindow"."windowStart" <= ${expired} THEN 1
                    ELSE "RateLimitWindow".hits + 1 END,
        "windowStart" = CASE WHEN "RateLimitWindow"."windowStart" <= ${expired} THEN ${now}
                             ELSE "RateLimitWindow"."windowStart" END
      RETURNING hits, "windowStart"`;
    await this.pruneNowAndThen(expired);
    const row = rows[0];
    return {
      totalHits: Number(row?.hits ?? 1),
      resetTime: new Date((row?.windowStart ?? now).getTime() + this.windowMs),
    };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db.rateLimitWindow.findUnique({ where: { key: this.keyOf(key) } });
    if (!row || row.windowStart.getTime() + this.windowMs <= Date.now()) return undefined;
    return { totalHits: row.hits, resetTime: new Date(row.windowStart.getTime() + this.windowMs) };
  }

  async decrement(key: string): Promise<void> {
    await this.db.rateLimitWindow.updateMany({
      where: { key: this.keyOf(key), hits: { gt: 0 } },
      data: { hits: { decrement: 1 } },
    });
  }

  async resetKey(key: string): Promise<void> {
    await this.db.rateLimitWindow.deleteMany({ where: { key: this.keyOf(key) } });
  }

  /** Ended windows count for nothing: drop them, at most once per window per process. */
  private async pruneNowAndThen(expired: Date): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < this.windowMs) return;
    this.lastPrune = now;
    await this.db.rateLimitWindow.deleteMany({
      where: { key: { startsWith: `${this.namespace}:` }, windowStart: { lte: expired } },
    });
  }
}
