/**
 * Malformed requests over the whole OpenAPI document (issue 5 acceptance): at least 1,000 requests, each one
 * invalid by construction (checked against the document's own request schemas with ajv), sent by a caller whose
 * role may use the operation — so validation, not authorization, is what answers. Every answer must be a
 * declared 4xx problem, and the database must be byte-for-byte what it was before.
 *
 * Malformed Unicode in every string field (issue 10 acceptance): for every authenticated operation, every string
 * field of its request (body fields at every depth, strings in arrays, object keys; query and path parameters)
 * carries a lone or reversed UTF-16 surrogate or U+0000 in an otherwise valid request. No 5xx, the exact
 * refusal per class (see unicodeViolation), and again no writes. Every field gets all four kinds (the full
 * product, about 1,240 requests and 30 s; no sampling, so no seed either).
 */
import fc from 'fast-check';
import request from 'supertest';
import { Client } from 'pg';
import { createTestApi, KEYS, type TestApi } from '../support/api';
import {
  ContractChecker,
  fetchSpec,
  operationsOf,
  type OpenApiDoc,
  type Operation,
} from '../support/contract';

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 1200);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let api: TestApi;
let spec: OpenApiDoc;
let checker: ContractChecker;
let operations: Operation[];

beforeAll(async () => {
  api = await createTestApi();
  spec = await fetchSpec(api.app);
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

/**
 * The body as the server will see it: what JSON.stringify leaves of a generated value. `{"a": undefined}` goes
 * out as `{}` and a top-level undefined as no body at all, so judging the generated value itself would call
 * valid requests malformed (in CI such a body, sent as `{}` or as nothing, rotated a key with 201).
 */
function asSent(body: unknown): unknown {
  const text = JSON.stringify(body) as string | undefined;
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
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
        .map(asSent)
        .filter((b) => b !== undefined && !checker.acceptsBody(op.method, op.path, b))
        .map((body) => ({ kind: 'body', path: base, body })),
      fc
        .dictionary(fc.string({ maxLength: 12 }), fc.oneof(junk, wrongJson), { maxKeys: 6 })
        .map(asSent)
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

// ───────────────────────── malformed Unicode in every string field (issue 10) ─────────────────────────

type JsonSchema = Record<string, unknown>;
type FieldPath = (string | number)[];

/**
 * Text with no UTF-8 form (lone or reversed UTF-16 surrogates) or that Postgres cannot store (U+0000).
 * JSON.stringify writes each lone surrogate as a `\udXXX` escape, which JSON.parse on the server turns back
 * into the lone surrogate: exactly what a careless client sends.
 */
const BAD_TEXT = [
  { kind: 'lone-high', value: 'x\ud800', reason: 'lone_surrogate' },
  { kind: 'lone-low', value: 'a\udfffb', reason: 'lone_surrogate' },
  { kind: 'reversed-pair', value: '\udc00\ud800', reason: 'lone_surrogate' },
  { kind: 'nul', value: 'a\u0000b', reason: 'nul' },
] as const;
type BadText = (typeof BAD_TEXT)[number];

/**
 * How a malformed value is put into a URL. encodeURIComponent throws on a lone surrogate (a URL is bytes and a
 * lone surrogate has no UTF-8 form), so a client that sends one anyway has to spell it by hand:
 * - `utf8`: encodeURIComponent itself; only U+0000 gets here (`%00`, which every decoder turns into U+0000);
 * - `wtf8`: the surrogate's generalized UTF-8 bytes (U+D800 → `%ED%A0%80`), what encodeURIComponent would
 *   write if it did not throw; no UTF-8 decoder accepts them;
 * - `u-escape`: the legacy escape() spelling (`%uD800`), which only unescape() decodes.
 * Neither spelling can put a lone surrogate into req.params or req.query: decodeURIComponent refuses both.
 */
type UrlSpelling = 'utf8' | 'wtf8' | 'u-escape';

function encodeUnit(unit: string, spelling: UrlSpelling): string {
  const c = unit.codePointAt(0) ?? 0;
  if (c < 0xd800 || c > 0xdfff) return encodeURIComponent(unit);
  if (spelling === 'u-escape') return `%u${c.toString(16).toUpperCase()}`;
  return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
    .map((b) => `%${b.toString(16).toUpperCase()}`)
    .join('');
}

/** encodeURIComponent, with a manual spelling for what it refuses (for…of yields a lone surrogate alone). */
function encodeForUrl(value: string, spelling: UrlSpelling): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value].map((unit) => encodeUnit(unit, spelling)).join('');
  }
}

/** The spellings of one malformed value in a URL: %00 for NUL, both manual spellings for a surrogate. */
const urlSpellings = (bad: BadText): UrlSpelling[] => (bad.kind === 'nul' ? ['utf8'] : ['wtf8', 'u-escape']);

/** Follows $ref into components and unwraps single-element allOf (how zod-to-openapi spells a named schema). */
function deref(s: JsonSchema): JsonSchema {
  const { $ref, allOf, ...rest } = s;
  if (typeof $ref === 'string') {
    const schemas = (spec.components?.schemas ?? {}) as Record<string, JsonSchema>;
    return deref({ ...schemas[$ref.replace('#/components/schemas/', '')], ...rest });
  }
  if (Array.isArray(allOf) && allOf.length === 1) return deref({ ...(allOf[0] as JsonSchema), ...rest });
  return s;
}

/** Valid values for string formats and patterns the document uses; ids exist in the seeded registry. */
const VALID_FORMAT: Record<string, string> = {
  'date-time': '2026-03-02T09:00:00+08:00',
  date: '2026-03-02',
  email: 'fuzz@example.gov.cn',
  uuid: '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5',
};
/** A resource of another department than the department caller's (NMG-RST), shared unconditionally. */
const FOREIGN_RESOURCE = 'RK-0001';
const PATTERN_CANDIDATES = ['NMG-GAT', '2027-10-01', '2027', '1', '0471-6600000', '国办发明电〔2026〕1号'];

function validString(s: JsonSchema, name: string): string {
  if (Array.isArray(s.enum)) return String(s.enum[0]);
  if (typeof s.format === 'string' && VALID_FORMAT[s.format]) return VALID_FORMAT[s.format];
  const fits = (v: string) =>
    (typeof s.pattern !== 'string' || new RegExp(s.pattern, 'u').test(v)) &&
    v.length >= Number(s.minLength ?? 0) &&
    v.length <= Number(s.maxLength ?? Infinity);
  const candidates = [
    ...(typeof s.example === 'string' ? [s.example] : []),
    ...(typeof s.pattern === 'string'
      ? [...(/resource/i.test(name) ? [FOREIGN_RESOURCE] : []), ...PATTERN_CANDIDATES]
      : [`模糊测试 ${name}`]),
  ];
  const v = candidates.find(fits);
  if (v === undefined) throw new Error(`no valid value for string ${name}: ${JSON.stringify(s)}`);
  return v;
}

/**
 * A valid value for a schema: every property (optional ones too, so that every string field is present), one
 * item per array (strings inside arrays too), enums' first value, formats honoured.
 */
function validValue(schema: JsonSchema, name: string): unknown {
  const s = deref(schema);
  for (const alternatives of [s.oneOf, s.anyOf]) {
    if (Array.isArray(alternatives)) return validValue(alternatives[0] as JsonSchema, name);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries((s.properties ?? {}) as Record<string, JsonSchema>).map(([k, p]) => [
          k,
          validValue(p, k),
        ]),
      );
    case 'array':
      return Array.from({ length: Math.max(1, Number(s.minItems ?? 1)) }, () =>
        validValue(s.items as JsonSchema, name),
      );
    case 'integer':
    case 'number':
      return name === 'year' ? 2027 : (s.default ?? s.minimum ?? 1);
    case 'boolean':
      return s.default ?? false;
    case 'string':
      return validString(s, name);
  }
  throw new Error(`no valid value for ${name}: ${JSON.stringify(s)}`);
}

/** One valid body per oneOf branch of the operation's request schema (each branch has its own fields). */
function validBodies(op: Operation): unknown[] {
  const schema = op.doc.requestBody?.content['application/json']?.schema;
  if (!schema) return [];
  const s = deref(schema);
  const branches = Array.isArray(s.oneOf) ? (s.oneOf as JsonSchema[]) : [s];
  return branches.map((b) => validValue(b, 'body'));
}

/** Paths of every string (`strings`) or every plain object (`objects`) inside a JSON value. */
function pathsOf(v: unknown, what: 'strings' | 'objects', at: FieldPath = []): FieldPath[] {
  if (typeof v === 'string') return what === 'strings' ? [at] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => pathsOf(x, what, [...at, i]));
  if (v === null || typeof v !== 'object') return [];
  return [
    ...(what === 'objects' ? [at] : []),
    ...Object.entries(v).flatMap(([k, x]) => pathsOf(x, what, [...at, k])),
  ];
}

const fieldName = (at: FieldPath) =>
  at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('') || '(body)';

function nodeAt(root: unknown, at: FieldPath): Record<string | number, unknown> {
  return at.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root) as Record<
    string | number,
    unknown
  >;
}

/** A copy of the body with the string at `at` replaced. */
function withString(body: unknown, at: FieldPath, value: string): unknown {
  const copy = structuredClone(body);
  nodeAt(copy, at.slice(0, -1))[at[at.length - 1]] = value;
  return copy;
}

/** A copy of the body with one more property, named `key`, in the object at `at`. */
function withKey(body: unknown, at: FieldPath, key: string): unknown {
  const copy = structuredClone(body);
  nodeAt(copy, at)[key] = 'x';
  return copy;
}

interface Fixtures {
  clientId: string;
  keyId: string;
  staffId: string;
  profileId: string;
}

/** Ids that exist, read before the fingerprint is taken, so that path parameters are valid as well. */
async function lookUpFixtures(): Promise<Fixtures> {
  const get = (path: string, key: string) =>
    request(api.app).get(`/api/v1${path}`).set('Authorization', `Bearer ${key}`);
  const me = (await get('/me', KEYS.rst)).body as { clientId: string; key: { id: string } };
  const staff = (await get('/departments/NMG-RST/staff', KEYS.rst)).body as { items: { id: string }[] };
  const profiles = (await get('/profiles', KEYS.rst)).body as { items: { id: string }[] };
  return {
    clientId: me.clientId,
    keyId: me.key.id,
    staffId: staff.items[0].id,
    profileId: profiles.items[0].id,
  };
}

/** A valid value for a path parameter: an object the caller may see where one exists (no case or grant does). */
function validPathParam(op: Operation, name: string, fx: Fixtures): string {
  const collection = op.path.split('/')[3];
  if (name === 'year') return '2027';
  if (name === 'version') return '1';
  if (name === 'staffId') return fx.staffId;
  if (name === 'noticeId') return VALID_FORMAT.uuid;
  if (name === 'keyId') return fx.keyId;
  const ids: Record<string, string> = {
    cases: 'GX-2026-000001',
    reports: 'BS-2026-000001',
    notices: 'ZG-2026-000001',
    departments: 'NMG-RST',
    resources: 'SB-0003',
    grants: 'GR-1',
    clients: fx.clientId,
    profiles: fx.profileId,
  };
  if (ids[collection] === undefined) throw new Error(`no valid ${name} for ${op.path}`);
  return ids[collection];
}

interface UnicodeCase {
  cls: 'body' | 'body-key' | 'path' | 'query' | 'query-key';
  bad: BadText;
  spelling?: UrlSpelling;
  field: string;
  url: string;
  body?: unknown;
}

/** Every malformed-Unicode request for one operation, each otherwise valid; `base` is the valid URL. */
function unicodeCasesFor(
  op: Operation,
  fx: Fixtures,
  counts: Record<string, number>,
): { base: string; cases: UnicodeCase[] } {
  const bodies = validBodies(op);
  for (const b of bodies) {
    if (!checker.acceptsBody(op.method, op.path, b)) {
      throw new Error(`generated body is not valid for ${op.method} ${op.path}: ${JSON.stringify(b)}`);
    }
  }
  const params = op.doc.parameters ?? [];
  const pathValues = Object.fromEntries(
    params
      .filter((p) => p.in === 'path')
      .map((p) => [p.name, encodeURIComponent(validPathParam(op, p.name, fx))]),
  );
  const validQuery = params
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => [p.name, encodeURIComponent(String(validValue(p.schema ?? {}, p.name)))]);
  const url = (path: Record<string, string>, query: string[][]) =>
    op.path.replace(/\{(\w+)\}/g, (_m, n: string) => path[n]) +
    (query.length > 0 ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : '');
  const base = url(pathValues, validQuery);
  const out: UnicodeCase[] = [];
  for (const bad of BAD_TEXT) {
    // every string in every branch's body, at any depth (strings in arrays included)
    for (const body of bodies) {
      const branch = (body as Record<string, unknown>).procedure ?? (body as Record<string, unknown>).type;
      const tag = typeof branch === 'string' ? `{${branch}} ` : '';
      for (const at of pathsOf(body, 'strings')) {
        out.push({
          cls: 'body',
          bad,
          field: tag + fieldName(at),
          url: base,
          body: withString(body, at, bad.value),
        });
      }
      // object keys are text too: one more property, named by the malformed string, in every object
      for (const at of pathsOf(body, 'objects')) {
        out.push({
          cls: 'body-key',
          bad,
          field: `${tag}${fieldName(at)}{key}`,
          url: base,
          body: withKey(body, at, bad.value),
        });
      }
    }
    for (const spelling of urlSpellings(bad)) {
      const encoded = encodeForUrl(bad.value, spelling);
      for (const p of params) {
        if (p.in === 'path') {
          out.push({
            cls: 'path',
            bad,
            spelling,
            field: p.name,
            url: url({ ...pathValues, [p.name]: encoded }, validQuery),
            body: bodies[0],
          });
        } else if (p.in === 'query') {
          const query = [...validQuery.filter(([k]) => k !== p.name), [p.name, encoded]];
          out.push({
            cls: 'query',
            bad,
            spelling,
            field: p.name,
            url: url(pathValues, query),
            body: bodies[0],
          });
        }
        // header parameters (Idempotency-Key) are not text of the request: Node refuses to send or read a
        // header value outside Latin-1, and the schema's pattern is ASCII
      }
    }
  }
  // a query parameter's name is text too; only %00 is sent as a name: a surrogate spelled by hand is read as
  // the literal well-formed text, an unknown parameter that is ignored, so an otherwise valid POST would write
  out.push({
    cls: 'query-key',
    bad: BAD_TEXT[3],
    spelling: 'utf8',
    field: '(name)',
    url: url(pathValues, [...validQuery, [encodeForUrl(BAD_TEXT[3].value, 'utf8'), '1']]),
    body: bodies[0],
  });
  counts.bodyFields += bodies.reduce<number>((n, b) => n + pathsOf(b, 'strings').length, 0);
  counts.bodyObjects += bodies.reduce<number>((n, b) => n + pathsOf(b, 'objects').length, 0);
  counts.pathParams += params.filter((p) => p.in === 'path').length;
  counts.queryParams += params.filter((p) => p.in === 'query').length;
  return { base, cases: out };
}

/**
 * What each class must answer, and why:
 * - a malformed string anywhere in the JSON body (value or key) reaches the server as that string: exactly 400
 *   invalid_character with the reason ('nul' | 'lone_surrogate'), whatever the field's own rules; the edge
 *   judges characters before the schema, so it is the one answer;
 * - %00 in a path or query parameter (value or name) decodes to U+0000: exactly 400 invalid_character, 'nul';
 * - a surrogate spelled by hand in a path segment: decodeURIComponent refuses the segment, Express answers
 *   400 before any handler (code bad_request), so again exactly 400;
 * - a surrogate spelled by hand in the query: the query parser keeps an undecodable value as the literal
 *   (well-formed ASCII) text it was sent as, so the server never sees a surrogate; the parameter's own rules
 *   answer (400 validation_failed for an enum, pattern, number or date; a free-text filter may match nothing
 *   and answer 200). Any declared status but 5xx; 2xx only for a GET (safe) and only with the declared body.
 */
function unicodeViolation(
  c: UnicodeCase,
  op: Operation,
  res: { status: number; body: unknown },
): string | undefined {
  const problem = res.body as { code?: unknown; reason?: unknown };
  if (res.status >= 500) return `${res.status}`;
  if (c.cls === 'query' && c.spelling !== 'utf8') {
    if (res.status < 300 && op.method !== 'get') return `${res.status} on a ${op.method.toUpperCase()}`;
    return res.status >= 300 && res.status < 400 ? `${res.status}` : undefined;
  }
  if (c.cls === 'path' && c.spelling !== 'utf8') {
    const ok = res.status === 400 && (problem.code === 'bad_request' || problem.code === 'invalid_character');
    return ok ? undefined : `${res.status} ${String(problem.code)} (not 400 bad_request)`;
  }
  if (res.status !== 400 || problem.code !== 'invalid_character' || problem.reason !== c.bad.reason) {
    return `${res.status} ${String(problem.code)} reason ${String(problem.reason)} (not 400 invalid_character ${c.bad.reason})`;
  }
  return undefined;
}

test('malformed Unicode in every string field of every operation: exact refusals, no 5xx, no writes', async () => {
  const fx = await lookUpFixtures();
  const before = await databaseFingerprint();
  const counts = { bodyFields: 0, bodyObjects: 0, pathParams: 0, queryParams: 0 };
  const perClass: Record<string, Record<string, number>> = {};
  const violations: string[] = [];
  let sent = 0;
  for (const op of operations) {
    const { base, cases } = unicodeCasesFor(op, fx, counts);
    if (op.method === 'get') {
      // control: the URL the cases start from is valid, so each refusal below is the malformed text's doing
      // (404 where the path names an object the seed has none of: a case, a grant, a calendar version)
      const res = await request(api.app)
        .get(base)
        .set('Authorization', `Bearer ${callerFor(op)}`);
      perClass['control:valid-get'] ??= {};
      perClass['control:valid-get'][res.status] = (perClass['control:valid-get'][res.status] ?? 0) + 1;
      if (!(res.status < 300 || (res.status === 404 && base.split('?')[0] !== op.path))) {
        violations.push(`control GET ${base} → ${res.status} ${res.text.slice(0, 200)}`);
      }
      violations.push(...checker.check(op.method, op.path, res).map((p) => `control GET ${base}: ${p}`));
    }
    for (const c of cases) {
      const agent = request(api.app);
      let req = agent[op.method as 'get'](c.url).set('Authorization', `Bearer ${callerFor(op)}`);
      if (op.method !== 'get' && op.method !== 'delete')
        req = req.set('Idempotency-Key', `fuzz-unicode-${sent}`);
      if (c.body !== undefined)
        req = req.set('Content-Type', 'application/json').send(JSON.stringify(c.body));
      const res = await req;
      sent++;
      const problem = res.body as { code?: unknown };
      const cls = `${c.cls}:${c.bad.kind}${c.spelling && c.spelling !== 'utf8' ? `/${c.spelling}` : ''}`;
      const answer = `${res.status}${typeof problem.code === 'string' ? ` ${problem.code}` : ''}`;
      perClass[cls] ??= {};
      perClass[cls][answer] = (perClass[cls][answer] ?? 0) + 1;
      const where = `${cls} ${op.method.toUpperCase()} ${op.path} ${c.field} (${c.url.slice(0, 100)})`;
      const wrong = unicodeViolation(c, op, res);
      if (wrong) violations.push(`${where} → ${wrong}: ${res.text.slice(0, 200)}`);
      violations.push(...checker.check(op.method, op.path, res).map((p) => `${where}: ${p}`));
      if (res.status >= 400 && !/application\/problem\+json/.test(res.headers['content-type'] ?? '')) {
        violations.push(`${where}: ${res.status} without problem+json`);
      }
    }
  }
  process.stdout.write(
    `fuzz unicode: ${sent} requests over ${operations.length} operations ` +
      `(${counts.bodyFields} body string fields, ${counts.bodyObjects} body objects, ` +
      `${counts.pathParams} path and ${counts.queryParams} query parameters)\n` +
      Object.entries(perClass)
        .map(([cls, answers]) => `  ${cls}: ${JSON.stringify(answers)}\n`)
        .join(''),
  );
  expect(violations.slice(0, 20)).toEqual([]);
  expect(await databaseFingerprint()).toEqual(before);
});
