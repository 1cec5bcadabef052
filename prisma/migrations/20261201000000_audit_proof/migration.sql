-- Issue 14, 第二十四条 (logs kept at least 2 years, provably untouched): signed daily digests of the audit
-- chain, signed tombstones for ranges removed by retention, and a controlled retention bypass of the
-- append-only trigger.

-- One signed checkpoint per Beijing day that has audit entries: the day's last entry (id, hash).
CREATE TABLE "AuditDigest" (
    "day" TEXT NOT NULL,
    "firstId" BIGINT NOT NULL,
    "lastId" BIGINT NOT NULL,
    "lastHash" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "chainVerifiedAt" TIMESTAMP(3),

    CONSTRAINT "AuditDigest_pkey" PRIMARY KEY ("day")
);
CREATE UNIQUE INDEX "AuditDigest_lastId_key" ON "AuditDigest"("lastId");

-- A range of entries deleted by retention, signed, so the chain still verifies from its last hash onward.
CREATE TABLE "AuditTombstone" (
    "id" SERIAL NOT NULL,
    "firstId" BIGINT NOT NULL,
    "lastId" BIGINT NOT NULL,
    "lastHash" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "throughDay" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditTombstone_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "AuditTombstone_lastId_key" ON "AuditTombstone"("lastId");

-- The append-only trigger now lets exactly one thing through: a DELETE in a transaction that set
-- gxcase.audit_retention_days (transaction-local), of a row older than that many days and never younger
-- than 730 days (2 years), whatever the setting says. UPDATE and TRUNCATE stay refused.
-- The body is an E-string with \073 for each semicolon: the migration runner splits at every semicolon.
-- "at" is written in UTC without a time zone, hence now() at time zone UTC.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN IF TG_OP = ''DELETE'' AND coalesce(current_setting(''gxcase.audit_retention_days'', true), '''') ~ ''^[0-9]{1,6}$'' THEN IF OLD.at < (now() AT TIME ZONE ''UTC'') - make_interval(days => greatest(current_setting(''gxcase.audit_retention_days'')::int, 730)) THEN RETURN OLD\073 END IF\073 END IF\073 RAISE EXCEPTION ''AuditLog is append-only (第二十四条)''\073 END\073';
