-- Stage and outcome become enums (procedures/types.ts Stage and Outcome). Every value the workflows have
-- written is a member, so the cast maps existing rows one to one, and a row with any other value makes this
-- migration fail loudly rather than keep a stage no code produces.
CREATE TYPE "CaseStage" AS ENUM ('awaiting_answer', 'approved', 'refused', 'agreed', 'failed', 'decided', 'answered', 'updated');

CREATE TYPE "CaseOutcome" AS ENUM ('approved', 'refused', 'agreed', 'failed', 'expired', 'share', 'not_share', 'corrected', 'data_correct', 'catalog_updated');

ALTER TABLE "Case"
  ALTER COLUMN "stage" TYPE "CaseStage" USING ("stage"::"CaseStage"),
  ALTER COLUMN "outcome" TYPE "CaseOutcome" USING ("outcome"::"CaseOutcome");
