-- AlterTable: a backdated receipt is a claim, kept beside the recording time (createdAt)
ALTER TABLE "Case" ADD COLUMN "backdated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "backdatedWorkingDays" INTEGER;

-- CreateTable: read-model writes that keep failing, for operators
CREATE TABLE "ProjectionStall" (
    "caseId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "error" TEXT NOT NULL,
    "firstFailedAt" TIMESTAMP(3) NOT NULL,
    "lastFailedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProjectionStall_pkey" PRIMARY KEY ("caseId","eventKey")
);

-- CreateTable: calendar recompute signals not yet delivered (outbox, retried by the worker)
CREATE TABLE "CalendarSignal" (
    "caseId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "queuedAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lastAttemptAt" TIMESTAMP(3),

    CONSTRAINT "CalendarSignal_pkey" PRIMARY KEY ("caseId")
);
