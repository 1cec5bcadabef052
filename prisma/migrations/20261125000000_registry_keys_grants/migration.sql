-- AlterTable
ALTER TABLE "Staff" ADD COLUMN     "title" TEXT;

-- AlterTable
ALTER TABLE "ApiClient" ADD COLUMN     "createdBy" TEXT,
ADD COLUMN     "revokedBy" TEXT;

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "createdBy" TEXT,
ADD COLUMN     "label" TEXT,
ADD COLUMN     "revokedBy" TEXT;

-- AlterTable
ALTER TABLE "Resource" ADD COLUMN     "description" TEXT,
ADD COLUMN     "legalBasisRejectReason" TEXT,
ADD COLUMN     "legalBasisRejectedAt" TIMESTAMP(3),
ADD COLUMN     "legalBasisRejectedBy" TEXT;

-- AlterTable
ALTER TABLE "StopSharingNotice" ADD COLUMN     "withdrawnAt" TIMESTAMP(3),
ADD COLUMN     "withdrawnBy" TEXT;

-- AlterTable
ALTER TABLE "Grant" ADD COLUMN     "revokeReason" TEXT,
ADD COLUMN     "revokedBy" TEXT;

-- CreateIndex
CREATE INDEX "ApiKey_clientId_idx" ON "ApiKey"("clientId");

-- CreateIndex
CREATE INDEX "StopSharingNotice_resourceId_effectiveAt_idx" ON "StopSharingNotice"("resourceId", "effectiveAt");

