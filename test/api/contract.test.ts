/**
 * The OpenAPI document is the contract with department systems: every route the server answers is in it,
 * and nothing in it is a route the server does not have.
 */
import request from 'supertest';
import type { Express } from 'express';
import { createTestApi, type TestApi } from '../support/api';
import { ContractChecker, fetchSpec, operationsOf, type OpenApiDoc } from '../support/contract';

let api: TestApi;
let spec: OpenApiDoc;

beforeAll(async () => {
  api = await createTestApi();
  spec = await fetchSpec(api.app);
});
afterAll(() => api?.close());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name: string;
  regexp?: RegExp;
  handle?: { stack?: Layer[] };
}

/** Routes mounted under /api/v1, read from Express itself (not from the builder's own bookkeeping). */
function expressRoutes(app: Express): string[] {
  const top = (app as unknown as { _router: { stack: Layer[] } })._router.stack;
  const out: string[] = [];
  for (const layer of top) {
    // routers mounted at /api/v1 only (the health router is mounted at the root and matches any path)
    if (layer.name !== 'router' || !layer.regexp?.test('/api/v1/') || layer.regexp.test('/elsewhere/'))
      continue;
    for (const inner of layer.handle?.stack ?? []) {
      if (!inner.route) continue;
      for (const m of Object.keys(inner.route.methods)) {
        out.push(`${m} /api/v1${inner.route.path.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  return out.sort();
}

// The docs page's own script and Swagger UI's static files are not API operations.
const NOT_API = ['get /api/v1/docs/boot.js'];

test('every Express route under /api/v1 is in the OpenAPI document, and every documented path is routed', () => {
  const routed = expressRoutes(api.app).filter((r) => !NOT_API.includes(r));
  const documented = operationsOf(spec)
    .map((o) => `${o.method} ${o.path}`)
    .sort();
  expect(routed.length).toBeGreaterThan(10);
  expect(routed.filter((r) => !documented.includes(r))).toEqual([]);
  expect(documented.filter((d) => !routed.includes(d))).toEqual([]);
});

test('the document is OpenAPI 3.1 with unique operation ids, Chinese summaries and declared problems', () => {
  expect(spec.openapi).toBe('3.1.0');
  const ops = operationsOf(spec);
  const ids = ops.map((o) => o.doc.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const { method, path, doc } of ops) {
    const where = `${method} ${path}`;
    expect([where, doc.operationId]).toEqual([where, expect.stringMatching(/^[a-z][A-Za-z]+$/)]);
    const summary = (doc as unknown as { summary?: string }).summary ?? '';
    expect([where, /[\u4e00-\u9fff]/.test(summary)]).toEqual([where, true]);
    if ((doc.security ?? []).length > 0) {
      // every authenticated operation documents 401 and 429 as problem+json
      for (const s of ['401', '429']) {
        expect([where, s, Object.keys(doc.responses[s]?.content ?? {})]).toEqual([
          where,
          s,
          ['application/problem+json'],
        ]);
      }
    }
  }
  expect(Object.keys((spec.components as { schemas: object }).schemas)).toEqual(
    expect.arrayContaining(['Problem']),
  );
});

test('a response that breaks the document is caught by the checker', async () => {
  // guards the guard: the conformance checks used by the matrix and fuzz tests must be able to fail
  const checker = new ContractChecker(spec);
  const r = await api.as('supervisor').get('/api/v1/cases');
  expect(checker.check('get', '/api/v1/cases', r)).toEqual([]);
  expect(
    checker.check('get', '/api/v1/cases', { ...r, body: { items: [{ id: 1 }], nextCursor: null } }),
  ).not.toEqual([]);
  expect(checker.check('get', '/api/v1/cases', { ...r, status: 418 })[0]).toMatch(/not declared/);
});

test('the docs page and its assets are served without a key, under a strict CSP', async () => {
  const page = await request(api.app).get('/api/v1/docs');
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/text\/html/);
  expect(page.text).toContain('/api/v1/docs/assets/swagger-ui-bundle.js');
  expect(page.text).not.toMatch(/<script>(?!<\/script>)/); // no inline script: the CSP forbids it
  expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
  const bundle = await request(api.app).get('/api/v1/docs/assets/swagger-ui-bundle.js');
  expect(bundle.status).toBe(200);
  const boot = await request(api.app).get('/api/v1/docs/boot.js');
  expect(boot.text).toContain('/api/v1/openapi.json');
});
