import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { HISTORIES_DIR } from '../histories/record';

/**
 * Every recorded history (test/histories/*.json) must replay against the current workflow code: a change that
 * alters the commands an existing case already produced (reordered or new activities, timers, children) without
 * `patched()` fails here with a nondeterminism error. Re-record with RECORD_HISTORIES=1 (workflows/README.md).
 */
const files = fs
  .readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const results = new Map<string, ReplayResult>();

beforeAll(async () => {
  const histories = files.map((f) => ({
    workflowId: path.basename(f, '.json'),
    // The files are JSON.stringify(History) (protobufjs toJSON), so protobufjs fromObject reads them back exactly.
    // historyFromJSON (@temporalio/common/lib/proto-utils) is for proto3-JSON exports from the CLI, and in this
    // install it throws "type must be a Type" (its protobufjs 8 cannot read @temporalio/proto's protobufjs 7 types).
    history: temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, f), 'utf8')),
    ),
  }));
  for await (const result of Worker.runReplayHistories(
    { workflowsPath: require.resolve('../../workflows') },
    histories,
  )) {
    results.set(result.workflowId, result);
  }
});

test('the recorded scenarios are all there', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'p1-approve.json',
      'chain-p1-refuse-negotiate.json',
      'chain-p2-expired.json',
      'chain-p3-decide-share.json',
      'p4-late-answer.json',
      'p5-national-day.json',
      'calendar-change.json',
      'p1-answer-before-received.json',
      // issue 10: reminders skipped and overdue at the due time (patched), P3 received at the failure
      'calendar-moves-earlier.json',
      'calendar-moved-into-past.json',
      'p1-worker-down-past-deadline.json',
      'p2-fail-escalation-blocked.json',
      // issue 13: P6 with a review pause, a send-back, the lapse and a late acceptance
      'p6-send-back-late-acceptance.json',
      // issue 13: a P7 report submitted (its period frozen by the freezeReport activity)
      'p7-submit-report.json',
      // issue 14: a case started through the API takes its schedule from the start; the grant is written with the answer
      'p1-schedule-from-start-grant-with-answer.json',
      // issue 14: a deadline moved earlier past a reminder: sent at once while the deadline is ahead, recorded as
      // skipped (日历变更) once it has passed; the history from before send-reminder-moved-earlier replays too
      'calendar-earlier-reminder-sent.json',
      'calendar-earlier-reminder-skipped.json',
      'calendar-moves-earlier.pre-send-reminder-moved-earlier.json',
    ]),
  );
});

test.each(files)('%s replays against the current workflow code', (file) => {
  const result = results.get(path.basename(file, '.json'));
  expect(result).toBeDefined();
  expect(result?.error).toBeUndefined();
});
