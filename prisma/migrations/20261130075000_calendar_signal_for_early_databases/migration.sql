-- The CalendarSignal outbox was added to migration 20261130000000 after that migration had already been
-- applied to some databases (the embedded default's among them), which therefore never got the table and
-- whose worker failed its recompute sweep every 30 s. Creating it here, only where it is missing, heals them
-- and changes nothing where the table exists.
CREATE TABLE IF NOT EXISTS "CalendarSignal" (
    "caseId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "queuedAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lastAttemptAt" TIMESTAMP(3),

    CONSTRAINT "CalendarSignal_pkey" PRIMARY KEY ("caseId")
);
