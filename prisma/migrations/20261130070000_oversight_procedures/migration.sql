-- Issue 13: the oversight procedures. P6 书面通报、限期整改 (第三十六条) keeps its notice in RectificationNotice,
-- P7 报送 (第三十二条) its frozen report versions in ReportVersion. New stages and outcomes for both.
-- CreateEnum
CREATE TYPE "ReportKind" AS ENUM ('half_year', 'year');

-- P7 covers the yearly report too (第三十二条), not only the half-year one
ALTER TYPE "Procedure" RENAME VALUE 'P7_HALF_YEAR_REPORT' TO 'P7_REPORT';

-- AlterEnum (PostgreSQL 12 or later adds several values in one migration)
ALTER TYPE "CaseStage" ADD VALUE 'under_review';
ALTER TYPE "CaseStage" ADD VALUE 'rectified';
ALTER TYPE "CaseStage" ADD VALUE 'submitted';

-- AlterEnum (PostgreSQL 12 or later adds several values in one migration)
ALTER TYPE "CaseOutcome" ADD VALUE 'rectified';
ALTER TYPE "CaseOutcome" ADD VALUE 'report_submitted';

-- CreateTable
CREATE TABLE "RectificationNotice" (
    "caseId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "issuingDepartmentId" TEXT NOT NULL,
    "issuingBody" TEXT NOT NULL,
    "grounds" INTEGER[],
    "facts" TEXT NOT NULL,
    "evidenceCaseIds" TEXT[],
    "rectificationWorkingDays" INTEGER NOT NULL,
    "followsCaseId" TEXT,
    "issuedBy" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RectificationNotice_pkey" PRIMARY KEY ("caseId"),
    -- at least one of the article's six grounds, and nothing else
    CONSTRAINT "RectificationNotice_grounds" CHECK (cardinality("grounds") > 0 AND "grounds" <@ ARRAY[1, 2, 3, 4, 5, 6]),
    CONSTRAINT "RectificationNotice_days" CHECK ("rectificationWorkingDays" BETWEEN 1 AND 250)
);

-- CreateTable
CREATE TABLE "ReportVersion" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "replacesId" TEXT,
    "kind" "ReportKind" NOT NULL,
    "period" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "departmentId" TEXT NOT NULL,
    "narrative" TEXT NOT NULL,
    "figures" JSONB NOT NULL,
    "figuresHash" TEXT NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL,
    "submittedBy" TEXT NOT NULL,

    CONSTRAINT "ReportVersion_pkey" PRIMARY KEY ("id"),
    -- version 1 replaces nothing, every later version replaces one
    CONSTRAINT "ReportVersion_chain" CHECK (("version" = 1) = ("replacesId" IS NULL))
);

-- CreateIndex
CREATE UNIQUE INDEX "RectificationNotice_number_key" ON "RectificationNotice"("number");

-- CreateIndex
CREATE INDEX "RectificationNotice_departmentId_issuedAt_idx" ON "RectificationNotice"("departmentId", "issuedAt");

-- CreateIndex
CREATE INDEX "RectificationNotice_followsCaseId_idx" ON "RectificationNotice"("followsCaseId");

-- CreateIndex
CREATE UNIQUE INDEX "RectificationNotice_year_seq_key" ON "RectificationNotice"("year", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "ReportVersion_replacesId_key" ON "ReportVersion"("replacesId");

-- CreateIndex
CREATE INDEX "ReportVersion_departmentId_period_idx" ON "ReportVersion"("departmentId", "period");

-- CreateIndex
CREATE INDEX "ReportVersion_period_kind_idx" ON "ReportVersion"("period", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "ReportVersion_caseId_version_key" ON "ReportVersion"("caseId", "version");

-- AddForeignKey
ALTER TABLE "RectificationNotice" ADD CONSTRAINT "RectificationNotice_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportVersion" ADD CONSTRAINT "ReportVersion_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportVersion" ADD CONSTRAINT "ReportVersion_replacesId_fkey" FOREIGN KEY ("replacesId") REFERENCES "ReportVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;
