-- 总览 (issue 12): answers recorded late in the current Beijing month, counted per department
CREATE INDEX "Case_answeredLate_answeredAt_idx" ON "Case"("answeredLate", "answeredAt");
