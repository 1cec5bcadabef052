-- Reads at a million cases (issue 15, figure 3): GET /cases?overdue=true pages by (dueAt, id) over overdue
-- cases of either status, due soon (open, not yet overdue) by (dueAt, id), and GET /cases/{id} reads the chain
-- by rootCaseId OR parentCaseId. Without these the overdue list sorted every overdue row, due soon stepped over
-- every overdue open row, and each GET scanned the whole table for the children. Due soon's index leads with
-- overdue like the overdue list's, or the planner scans that one for overdue = false through every closed case.
CREATE INDEX "Case_overdue_dueAt_id_idx" ON "Case"("overdue", "dueAt", "id");
CREATE INDEX "Case_overdue_status_dueAt_id_idx" ON "Case"("overdue", "status", "dueAt", "id");
CREATE INDEX "Case_parentCaseId_idx" ON "Case"("parentCaseId");
