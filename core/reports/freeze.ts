/**
 * 第三十二条 period lock: a submitted report's figures frozen as a version with its hash. (Issue 13, P7: the
 * figures and the version row are built in this module.)
 */
import type { Db } from '../../prisma/client';

export async function freezeReport(
  _db: Db,
  input: { caseId: string; submittedAt: string; submittedBy: string; narrative: string },
): Promise<void> {
  throw new Error(`report freezing is not built yet (${input.caseId})`);
}
