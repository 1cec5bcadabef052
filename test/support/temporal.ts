import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';

const LIBFAKETIME = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
];

/**
 * The time-skipping server's virtual clock starts at the real time and only moves forward. To run a case
 * across a past holiday (2026 Spring Festival, National Day), the server's JVM starts with its clock set to
 * `startAt` through libfaketime (Debian `faketime`); the server itself is the real one, unmodified.
 */
function launcherStartingAt(startAt: string): string {
  const server = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!server) throw new Error('TEMPORAL_TEST_SERVER_PATH is not set: run the suite with `npm test`');
  const lib = LIBFAKETIME.find((p) => fs.existsSync(p));
  if (!lib) throw new Error('libfaketime not found: `apt-get install faketime` (.ci/run does this)');
  const utc = new Date(startAt).toISOString().replace('T', ' ').slice(0, 19);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gxcase-tts-'));
  const launcher = path.join(dir, 'temporal-test-server');
  fs.writeFileSync(
    launcher,
    `#!/bin/sh\nexport TZ=UTC LD_PRELOAD=${lib} FAKETIME="@${utc}" FAKETIME_DONT_RESET=1\nexec "${server}" "$@"\n`,
    { mode: 0o755 },
  );
  return launcher;
}

/** The Java time-skipping server the runner prepared; the SDK's own download where none was prepared. */
export async function createTimeSkippingEnv(
  opts: { startAt?: string } = {},
): Promise<TestWorkflowEnvironment> {
  const prepared = process.env.TEMPORAL_TEST_SERVER_PATH;
  const path = opts.startAt ? launcherStartingAt(opts.startAt) : prepared;
  // The SDK gives the server 5 s to listen (fixed in sdk-core); a JVM starting while two test files run on two
  // busy cores sometimes needs more. A server that does not come up is an environment hiccup, not a result:
  // tried up to three times, then the error stands.
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
      });
    } catch (e) {
      if (attempt >= 3 || !/did not start within/.test(String(e))) throw e;
    }
  }
}

export function devServerAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the suite with `npm test`');
  return address;
}
