-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "DepartmentLevel" AS ENUM ('REGION', 'LEAGUE_CITY', 'BANNER_COUNTY');

-- CreateEnum
CREATE TYPE "ClientRole" AS ENUM ('DEPARTMENT', 'SUPERVISOR', 'ADMIN');

-- CreateEnum
CREATE TYPE "CatalogType" AS ENUM ('BASIC', 'THEMATIC', 'DEPARTMENTAL');

-- CreateEnum
CREATE TYPE "ShareType" AS ENUM ('UNCONDITIONAL', 'CONDITIONAL', 'NOT_SHARED');

-- CreateEnum
CREATE TYPE "Classification" AS ENUM ('CLASSIFIED', 'NON_CLASSIFIED');

-- CreateEnum
CREATE TYPE "ResourceStatus" AS ENUM ('PUBLISHED', 'STOPPED');

-- CreateEnum
CREATE TYPE "Procedure" AS ENUM ('P1_CONDITIONAL_REQUEST', 'P2_NEGOTIATION', 'P3_COORDINATION', 'P4_VERIFICATION', 'P5_CATALOG_UPDATE', 'P6_RECTIFICATION', 'P7_HALF_YEAR_REPORT');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "Department" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "level" "DepartmentLevel" NOT NULL,
    "parentId" TEXT,
    "isShareAuthority" BOOLEAN NOT NULL DEFAULT false,
    "isManagementDept" BOOLEAN NOT NULL DEFAULT false,
    "isCoordinationOffice" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Department_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Staff" (
    "id" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "activeFrom" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activeUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Staff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiClient" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ClientRole" NOT NULL,
    "departmentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Resource" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "providerDepartmentId" TEXT NOT NULL,
    "catalogType" "CatalogType" NOT NULL,
    "shareType" "ShareType" NOT NULL,
    "legalBasis" TEXT,
    "legalBasisConfirmedAt" TIMESTAMP(3),
    "legalBasisConfirmedBy" TEXT,
    "classification" "Classification" NOT NULL DEFAULT 'NON_CLASSIFIED',
    "catalogVersion" INTEGER NOT NULL DEFAULT 1,
    "status" "ResourceStatus" NOT NULL DEFAULT 'PUBLISHED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Resource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StopSharingNotice" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "filedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "effectiveAt" TIMESTAMP(3) NOT NULL,
    "filedBy" TEXT NOT NULL,

    CONSTRAINT "StopSharingNotice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL,
    "procedure" "Procedure" NOT NULL,
    "status" "CaseStatus" NOT NULL DEFAULT 'OPEN',
    "stage" TEXT NOT NULL,
    "outcome" TEXT,
    "resourceId" TEXT,
    "requesterDepartmentId" TEXT,
    "responsibleDepartmentId" TEXT NOT NULL,
    "parentCaseId" TEXT,
    "rootCaseId" TEXT NOT NULL,
    "clientId" TEXT,
    "idempotencyKey" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "workingDays" INTEGER NOT NULL,
    "deadlineDate" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "provisional" BOOLEAN NOT NULL DEFAULT false,
    "calendarVersion" TEXT NOT NULL,
    "profileId" TEXT NOT NULL,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "overdueAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "answeredLate" BOOLEAN NOT NULL DEFAULT false,
    "closedAt" TIMESTAMP(3),
    "details" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseEvent" (
    "id" BIGSERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "CaseEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Grant" (
    "id" TEXT NOT NULL,
    "caseId" TEXT,
    "resourceId" TEXT NOT NULL,
    "consumerDepartmentId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "validUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Grant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "caseId" TEXT,
    "eventKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "bodyText" TEXT NOT NULL,
    "bodyHtml" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "smtpResponse" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarYear" (
    "id" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "arrangement" JSONB NOT NULL,
    "sourceNumber" TEXT NOT NULL,
    "loadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "loadedBy" TEXT NOT NULL,
    "supersededAt" TIMESTAMP(3),

    CONSTRAINT "CalendarYear_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseSequence" (
    "prefix" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "next" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "CaseSequence_pkey" PRIMARY KEY ("prefix","year")
);

-- CreateIndex
CREATE INDEX "Staff_departmentId_activeUntil_idx" ON "Staff"("departmentId", "activeUntil");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "Case_status_dueAt_idx" ON "Case"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Case_overdue_status_idx" ON "Case"("overdue", "status");

-- CreateIndex
CREATE INDEX "Case_responsibleDepartmentId_status_idx" ON "Case"("responsibleDepartmentId", "status");

-- CreateIndex
CREATE INDEX "Case_requesterDepartmentId_status_idx" ON "Case"("requesterDepartmentId", "status");

-- CreateIndex
CREATE INDEX "Case_rootCaseId_idx" ON "Case"("rootCaseId");

-- CreateIndex
CREATE UNIQUE INDEX "Case_clientId_idempotencyKey_key" ON "Case"("clientId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "CaseEvent_caseId_at_idx" ON "CaseEvent"("caseId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "CaseEvent_caseId_eventKey_key" ON "CaseEvent"("caseId", "eventKey");

-- CreateIndex
CREATE INDEX "Grant_consumerDepartmentId_resourceId_idx" ON "Grant"("consumerDepartmentId", "resourceId");

-- CreateIndex
CREATE UNIQUE INDEX "Grant_caseId_resourceId_consumerDepartmentId_key" ON "Grant"("caseId", "resourceId", "consumerDepartmentId");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_messageId_key" ON "Notification"("messageId");

-- CreateIndex
CREATE INDEX "Notification_status_createdAt_idx" ON "Notification"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditLog_hash_key" ON "AuditLog"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarYear_year_version_key" ON "CalendarYear"("year", "version");

-- AddForeignKey
ALTER TABLE "Department" ADD CONSTRAINT "Department_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Department"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Staff" ADD CONSTRAINT "Staff_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiClient" ADD CONSTRAINT "ApiClient_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "ApiClient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_providerDepartmentId_fkey" FOREIGN KEY ("providerDepartmentId") REFERENCES "Department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StopSharingNotice" ADD CONSTRAINT "StopSharingNotice_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEvent" ADD CONSTRAINT "CaseEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- 第二十四条: share and query logs are kept at least 2 years and must be provably untouched.
-- The audit table is append-only (rows are hash-chained by the application): no UPDATE, DELETE or TRUNCATE.
-- Prisma's wasm migration runner splits scripts at every semicolon, even inside dollar quotes, so the
-- function body is an E-string with \073 standing for each semicolon.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN RAISE EXCEPTION ''AuditLog is append-only (第二十四条)''\073 END\073';
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
