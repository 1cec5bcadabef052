-- Appending to the audit chain in one round trip: the lock, the previous hash and the insert used to be three
-- or four statements sent one by one while every other audited write of the system waited on the same lock
-- (the load drill's longest wait). The hash is the one audit/log.ts chainHash computes: sha-256 of the
-- canonical JSON array [prevHash, at, actor, action, target, data], where the caller passes the part after
-- "at" already canonical (p_tail) and "at" is this server's clock, truncated to the column's milliseconds.
-- Each statement in the function sees rows committed before it runs, so the previous hash is read after the lock.
-- The body is an E-string with \073 for each semicolon: the migration runner splits at every semicolon.
CREATE OR REPLACE FUNCTION audit_append(p_actor text, p_action text, p_target text, p_data jsonb, p_tail text)
  RETURNS void LANGUAGE plpgsql
  AS E'DECLARE prev text\073 at_utc timestamp(3)\073 BEGIN PERFORM pg_advisory_xact_lock(727274)\073 SELECT hash INTO prev FROM "AuditLog" ORDER BY id DESC LIMIT 1\073 IF prev IS NULL THEN SELECT "lastHash" INTO prev FROM "AuditTombstone" ORDER BY "lastId" DESC LIMIT 1\073 END IF\073 prev := coalesce(prev, repeat(''0'', 64))\073 at_utc := date_trunc(''milliseconds'', clock_timestamp() AT TIME ZONE ''UTC'')\073 INSERT INTO "AuditLog" (at, actor, action, target, data, "prevHash", hash) VALUES (at_utc, p_actor, p_action, p_target, p_data, prev, encode(sha256(convert_to(''["'' || prev || ''","'' || to_char(at_utc, ''YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'') || ''",'' || p_tail, ''UTF8'')), ''hex''))\073 END\073';
