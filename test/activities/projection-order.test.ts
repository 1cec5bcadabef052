/**
 * The read model never goes back: a workflow's first bookkeeping (`received`, scheduled when the case starts) and
 * an answer sent at once (an Update, its own activity) run concurrently, so the answer can be written first. The
 * late `received` must then leave the answered row as it is (CI saw a refused P1 read back as awaiting_answer).
 */
import { recordTransition } from '../../activities/projection';
import { seedRegistry } from '../../prisma/seed';
import type { CaseStart } from '../../workflows/types';
import { createTestDatabase, type TestDatabase } from '../support/db';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
  await seedRegistry(tdb.db);
});
afterAll(() => tdb?.drop());

const start = (caseId: string): CaseStart => ({
  caseId,
  procedure: 'P1',
  profileId: 'nmg-2018',
  receivedAt: '2026-12-01T02:00:00.000Z',
  workingDays: 10,
  requesterDepartmentId: 'MZT',
  responsibleDepartmentId: 'RST',
  resourceId: 'SB-0003',
  rootCaseId: caseId,
  details: { purpose: '低保家庭收入核对' },
});
const schedule = {
  deadlineDate: '2026-12-15',
  dueAt: '2026-12-15T16:00:00.000Z',
  provisional: false,
  calendarVersion: 'official:2018-2026',
};
const received = (caseId: string) => ({
  caseId,
  eventKey: 'received',
  type: 'received',
  at: '2026-12-01T02:00:00.000Z',
  start: start(caseId),
  patch: { stage: 'awaiting_answer' as const, status: 'OPEN' as const, ...schedule },
});
const refused = (caseId: string) => ({
  caseId,
  eventKey: 'answered',
  type: 'answered',
  at: '2026-12-01T02:00:01.000Z',
  actor: 'RST',
  data: { type: 'refuse', reason: '涉及个人隐私' },
  patch: {
    stage: 'refused' as const,
    outcome: 'refused' as const,
    status: 'CLOSED' as const,
    answeredAt: '2026-12-01T02:00:01.000Z',
    closedAt: '2026-12-01T02:00:01.000Z',
  },
});

test('a received transition applied after the answer keeps the case answered and closed', async () => {
  const id = 'GX-2026-990001';
  await recordTransition(tdb.db, received(id)); // the row as the API writes it with the case
  await recordTransition(tdb.db, refused(id));
  await recordTransition(tdb.db, {
    ...received(id),
    patch: { ...received(id).patch, deadlineDate: '2026-12-16' },
  });
  const row = await tdb.db.case.findUniqueOrThrow({ where: { id } });
  expect([row.status, row.stage, row.outcome, row.deadlineDate]).toEqual([
    'CLOSED',
    'refused',
    'refused',
    '2026-12-16',
  ]);
  const events = await tdb.db.caseEvent.findMany({ where: { caseId: id }, orderBy: { at: 'asc' } });
  expect(events.map((e) => e.type)).toEqual(['received', 'answered']);
});

test('a case the workflow creates itself (no row yet) still gets its initial stage from the first transition', async () => {
  const id = 'GX-2026-990002';
  await recordTransition(tdb.db, received(id));
  const row = await tdb.db.case.findUniqueOrThrow({ where: { id } });
  expect([row.status, row.stage, row.deadlineDate]).toEqual(['OPEN', 'awaiting_answer', '2026-12-15']);
});
