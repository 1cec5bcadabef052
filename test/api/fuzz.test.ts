/**
 * Malformed requests over the whole OpenAPI document (issue 5 acceptance): at least 1,000 requests, each one
 * invalid by construction (checked against the document's own request schemas with ajv), sent by a caller whose
 * role may use the operation — so validation, not authorization, is what answers. Every answer must be a
 * declared 4xx problem, and the database must be byte-for-byte what it was before.
 */
import fc from 'fast-check';
import request from 'supertest';
import { Client } from 'pg';
import { createTestApi, KEYS, type TestApi } from '../support/api';
import { ContractChecker, fetchSpec, operationsOf, type Operation } from '../support/contract';

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 1200);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let api: TestApi;
let checker: ContractChecker;
let operations: Operation[];

beforeAll(async () => {
  api = await createTestApi();
  const spec = await fetchSpec(api.app);
  checker = new ContractChecker(spec);
  // public operations take no input worth fuzzing
  operations = operationsOf(spec).filter((o) => (o.doc.security ?? []).length > 0);
});
afterAll(() => api?.close());

/** Fingerprint of every table: any insert, update or delete changes it. */
async function databaseFingerprint(): Promise<Record<string, string>> {
  const pg = new Client({ connectionString: api.tdb.url });
  await pg.connect();
  try {
    const tables = await pg.query<{ tablename: string }>(
      // the rate limiter's counters count every request, rejected or not: operational state, not data
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'RateLimitWindow'
       ORDER BY tablename`,
    );
    const out: Record<string, string> = {};
    for (const { tablename } of tables.rows) {
      const r = await pg.query<{ n: string; h: string | null }>(
        `SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM "${tablename}" t`,
      );
      out[tablename] = `${r.rows[0].n}:${r.rows[0].h ?? ''}`;
    }
    return out;
  } finally {
    await pg.end();
  }
}

function callerFor(op: Operation): string {
  const roles = op.doc['x-roles'] ?? [];
  if (roles.includes('DEPARTMENT')) return KEYS.rst;
  if (roles.includes('SUPERVISOR')) return KEYS.supervisor;
  return KEYS.admin;
}

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '../../etc/passwd', '\'; DROP TABLE "Case"; --', '%00', '\u0000', 'ℵ', '🙂'),
  fc.string({ minLength: 3000, maxLength: 5000 }),
);
const wrongJson = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
);

interface Malformed {
  kind: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  raw?: string;
}

const pathParams = (op: Operation) => (op.doc.parameters ?? []).filter((p) => p.in === 'path');
const queryParams = (op: Operation) => (op.doc.parameters ?? []).filter((p) => p.in === 'query');

/** A plausible path for the operation (ids that pass validation) so that only the mutated part is wrong. */
function plausiblePath(op: Operation): string {
  return op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    name === 'year' ? '2026' : name === 'version' ? '1' : name === 'id' ? 'GX-2026-000001' : 'X-1',
  );
}

function malformedFor(op: Operation): fc.Arbitrary<Malformed> {
  const base = plausiblePath(op);
  const options: fc.Arbitrary<Malformed>[] = [
    // not JSON at all
    fc
      .string({ minLength: 1, maxLength: 200 })
      .map((s) => `{${s}`)
      .filter((raw) => {
        try {
          JSON.parse(raw);
          return false;
        } catch {
          return true;
        }
      })
      .map((raw) => ({ kind: 'raw', path: base, raw })),
  ];
  if (op.doc.requestBody) {
    options.push(
      wrongJson
        .filter((b) => !checker.acceptsBody(op.method, op.path, b))
        .map((body) => ({ kind: 'body', path: base, body })),
      fc
        .dictionary(fc.string({ maxLength: 12 }), fc.oneof(junk, wrongJson), { maxKeys: 6 })
        .filter((b) => !checker.acceptsBody(op.method, op.path, b))
        .map((body) => ({ kind: 'object-body', path: base, body })),
    );
  }
  const constrained = queryParams(op).filter((p) => {
    const s = p.schema ?? {};
    return 'enum' in s || s.type === 'integer' || s.type === 'number' || 'pattern' in s || 'format' in s;
  });
  if (constrained.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...constrained), junk).map(([p, v]) => ({
        kind: `query:${p.name}`,
        path: base,
        query: { [p.name]: `${v}\u0007!` }, // a bell character is valid in no enum, number, pattern or date
      })),
    );
  }
  for (const p of pathParams(op)) {
    options.push(
      junk
        .filter((v) => v.length > 0 && !/^[\w.-]+$/.test(v))
        .map((v) => ({
          kind: `path:${p.name}`,
          path: op.path
            .replace(`{${p.name}}`, encodeURIComponent(v))
            .replace(/\{(\w+)\}/g, (_m, n: string) => (n === 'year' ? '2026' : '1')),
        })),
    );
  }
  return fc.oneof(...options);
}

test(`${TOTAL}+ malformed requests over the OpenAPI document: no 5xx, only declared 4xx problems, no writes`, async () => {
  process.stdout.write(`fuzz seed ${SEED} (rerun with FUZZ_SEED=${SEED})\n`);
  const before = await databaseFingerprint();
  const perOperation = Math.ceil(TOTAL / operations.length);
  const statuses: Record<string, number> = {};
  const violations: string[] = [];
  let sent = 0;
  for (const [i, op] of operations.entries()) {
    const cases = fc.sample(malformedFor(op), { numRuns: perOperation, seed: SEED + i });
    for (const m of cases) {
      const agent = request(api.app);
      let req = agent[op.method as 'get'](m.path).set('Authorization', `Bearer ${callerFor(op)}`);
      if (m.query) req = req.query(m.query);
      if (op.method !== 'get' && op.method !== 'delete') req = req.set('Idempotency-Key', `fuzz-${sent}`);
      if (m.raw !== undefined) req = req.set('Content-Type', 'application/json').send(m.raw);
      else if (m.body !== undefined)
        req = req.set('Content-Type', 'application/json').send(JSON.stringify(m.body));
      const res = await req;
      sent++;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const where = `${m.kind} ${op.method.toUpperCase()} ${m.path.slice(0, 80)}`;
      if (res.status < 400 || res.status >= 500) {
        violations.push(`${where} → ${res.status} ${res.text.slice(0, 200)}`);
        continue;
      }
      // unknown paths (a mutated id that routes nowhere) are 404s outside any operation; all else conforms
      const problems =
        m.kind.startsWith('path:') && res.status === 404 ? [] : checker.check(op.method, op.path, res);
      violations.push(...problems.map((p) => `${where}: ${p}`));
      if (!/application\/problem\+json/.test(res.headers['content-type'] ?? '')) {
        violations.push(`${where}: ${res.status} without problem+json`);
      }
    }
  }
  process.stdout.write(
    `fuzz: ${sent} requests over ${operations.length} operations, statuses ${JSON.stringify(statuses)}\n`,
  );
  expect(sent).toBeGreaterThanOrEqual(1000);
  expect(violations.slice(0, 20)).toEqual([]);
  expect(await databaseFingerprint()).toEqual(before);
});
