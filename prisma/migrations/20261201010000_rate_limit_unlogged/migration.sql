-- Rate-limit counters need no durability: a crash that forgets the current minute's hits is harmless, while
-- a WAL flush on every API request (this table is written once per request) costs the whole system.
ALTER TABLE "RateLimitWindow" SET UNLOGGED;
