/** Drill 5 as a test: 50 concurrent starts with one Idempotency-Key over real HTTP → one case, one workflow. */
import { idempotencyDrill } from '../../drills/idempotency';
import { terminateCases } from '../support/cases';
import { drillTestStack, type DrillTestStack } from './drill-stack';

jest.setTimeout(60_000);

let t: DrillTestStack;
beforeAll(async () => {
  t = await drillTestStack();
});
afterAll(async () => {
  const ids = (await t.stack.db.case.findMany({ select: { id: true } })).map((c) => c.id);
  await terminateCases(t.stack.temporal, ids);
  await t.close();
});

test('the same start sent 50 times at once: one case, one workflow, every request answered 2xx', async () => {
  const { ok, line } = await idempotencyDrill(t.stack, { requests: 50 });
  expect(line).toMatch(/cases=1 workflows=1 distinct_ids=1/);
  expect(line).toMatch(/statuses=.*201x1/);
  expect(ok).toBe(true);
});
