-- The case page (issue 12) lists the mails of one case in the order they were recorded
CREATE INDEX "Notification_caseId_createdAt_idx" ON "Notification"("caseId", "createdAt");
