import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';

export const HISTORIES_DIR = __dirname;

/**
 * Writes a finished workflow's event history to `test/histories/<name>.json` when RECORD_HISTORIES=1, so
 * `test/workflows/replay.test.ts` can replay it against the current workflow code. Re-record with
 * `RECORD_HISTORIES=1 npm test -- test/workflows` (see workflows/README.md). Without the variable it does nothing.
 * The file is the History message's JSON (protobufjs toJSON), read back with historyFromJSON.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(history));
}
