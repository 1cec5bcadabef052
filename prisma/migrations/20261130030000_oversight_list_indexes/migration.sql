-- Indexes for the supervisors' lists (issue 12): 逾期案件 and 即将到期 page by (dueAt, id) keyset over open cases,
-- filtered by the responsible department, by either party (department users), by procedure, or sorted by receipt
CREATE INDEX "Case_status_dueAt_id_idx" ON "Case"("status", "dueAt", "id");
CREATE INDEX "Case_responsibleDepartmentId_status_dueAt_id_idx" ON "Case"("responsibleDepartmentId", "status", "dueAt", "id");
CREATE INDEX "Case_requesterDepartmentId_status_dueAt_id_idx" ON "Case"("requesterDepartmentId", "status", "dueAt", "id");
CREATE INDEX "Case_procedure_status_dueAt_id_idx" ON "Case"("procedure", "status", "dueAt", "id");
CREATE INDEX "Case_status_receivedAt_id_idx" ON "Case"("status", "receivedAt", "id");
