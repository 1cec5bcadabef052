/**
 * The HTTP surface's protective defaults (issue 5): security headers, no CORS, body limits, request ids,
 * per-client and brute-force rate limits, problem+json errors, and logs that hold no secrets.
 */
import pino from 'pino';
import request from 'supertest';
import { logger } from '../../logger';
import { createApp } from '../../api/app';
import { createCalendarProvider } from '../../core/calendar/provider';
import { loadConfig } from '../../config';
import { createTestApi, KEYS, type TestApi } from '../support/api';

/** the random part after `gx_<12 hex>_` (it may itself contain '_') */
const secretPart = (key: string) => key.slice('gx_'.length + 13);
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

const isProblem = (res: request.Response, status: number, code: string) => {
  expect([res.status, res.body.code]).toEqual([status, code]);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status });
  // detail is for people reading it: Chinese
  expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
};

describe('security headers', () => {
  it.each([
    ['an API answer', '/api/v1/me', 'rst'],
    ['a problem', '/api/v1/clients', 'rst'],
    ['an unknown path', '/api/v1/nope', 'rst'],
    ['the docs page', '/api/v1/docs', 'none'],
  ] as const)('are set on %s, and Express does not announce itself', async (_what, path, who) => {
    const res = await api.as(who).get(path);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toEqual(expect.any(String));
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('CORS is off', () => {
  const noCors = (res: request.Response) =>
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);

  it('grants no foreign origin, with or without a preflight', async () => {
    noCors(await api.as('rst').get('/api/v1/me').set('Origin', 'https://evil.example'));
    noCors(
      await request(api.app)
        .options('/api/v1/clients')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type'),
    );
    noCors(await request(api.app).get('/api/v1/openapi.json').set('Origin', 'https://evil.example'));
  });
});

describe('request bodies', () => {
  it('refuses bodies over 256 kB with 413 and writes nothing', async () => {
    const before = await api.tdb.db.apiClient.count();
    const res = await api
      .as('admin')
      .post('/api/v1/clients')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(300 * 1024), role: 'ADMIN' }));
    isProblem(res, 413, 'body_too_large');
    expect(await api.tdb.db.apiClient.count()).toBe(before);
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await api
      .as('admin')
      .post('/api/v1/clients')
      .set('Content-Type', 'application/json')
      .send('{"name": "半个');
    isProblem(res, 400, 'malformed_json');
  });

  it('answers unknown paths and missing keys as problems', async () => {
    isProblem(await api.as('rst').get('/api/v1/nope'), 404, 'not_found');
    isProblem(await api.as('none').get('/api/v1/me'), 401, 'unauthenticated');
    isProblem(
      await request(api.app)
        .get('/api/v1/me')
        .set('Authorization', 'Bearer gx_0123456789ab_not-a-real-key-at-all'),
      401,
      'invalid_credentials',
    );
  });
});

describe('request ids', () => {
  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await api.as('rst').get('/api/v1/me').set('X-Request-Id', 'dept-sys.42_abc');
    expect(given.headers['x-request-id']).toBe('dept-sys.42_abc');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const none = await api.as('rst').get('/api/v1/me');
    expect(none.headers['x-request-id']).toMatch(uuid);
    // an id that could forge log lines or bloat them is replaced, not echoed
    const forged = await api.as('rst').get('/api/v1/me').set('X-Request-Id', 'a b\tc'.repeat(20));
    expect(forged.headers['x-request-id']).toMatch(uuid);
    // errors carry the id too, so an integrator can quote it
    const problem = await api.as('none').get('/api/v1/me').set('X-Request-Id', 'trace-401');
    expect(problem.headers['x-request-id']).toBe('trace-401');
  });
});

describe('logs', () => {
  it('hold method, path, status and request id, but no key, query string, body or issued secret', async () => {
    const lines: string[] = [];
    // the app logs through this pino instance; every child (one per request) writes to the same stream
    const stream = (logger as unknown as Record<symbol, { write(s: string): unknown }>)[
      pino.symbols.streamSym
    ];
    // the suite runs with LOG_LEVEL=warn to keep its output readable; this test needs the request lines
    const level = logger.level;
    logger.level = 'info';
    const spy = jest.spyOn(stream, 'write').mockImplementation((s: string) => {
      lines.push(s);
      return true;
    });
    let issued: string;
    try {
      await api.as('rst').get('/api/v1/me?api_key=querysecret123').set('X-Request-Id', 'log-check-1');
      await request(api.app).get('/api/v1/me').set('X-API-Key', KEYS.mzt).set('X-Request-Id', 'log-check-2');
      const created = await api
        .as('admin')
        .post('/api/v1/clients')
        .set('X-Request-Id', 'log-check-3')
        .send({ name: '日志检查 zhangsan@example.com 13800000000', role: 'ADMIN' });
      expect(created.status).toBe(201);
      issued = created.body.key.secret as string;
    } finally {
      spy.mockRestore();
      logger.level = level;
    }
    const entries = lines.map((l) => JSON.parse(l) as { req?: { id?: string; url?: string }; res?: unknown });
    for (const id of ['log-check-1', 'log-check-2', 'log-check-3']) {
      expect(entries.find((e) => e.req?.id === id)).toMatchObject({
        req: { id, method: expect.any(String), url: expect.stringMatching(/^\/api\/v1\//) },
        res: { statusCode: expect.any(Number) },
      });
    }
    const all = lines.join('\n');
    for (const leak of [
      KEYS.rst,
      KEYS.mzt,
      KEYS.admin,
      issued,
      secretPart(issued),
      'querysecret123',
      'zhangsan@example.com',
      '13800000000',
    ]) {
      expect(all).not.toContain(leak);
    }
  });
});

describe('rate limits (small limits on their own app)', () => {
  let limited: TestApi;
  beforeAll(async () => {
    limited = await createTestApi({ config: { limits: { perClientPerMinute: 5, authFailuresPer15Min: 3 } } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('stops the 6th request of one client in a minute with 429; other clients go on', async () => {
    for (let i = 1; i <= 5; i++) {
      const ok = await limited.as('rst').get('/api/v1/me');
      expect(ok.status).toBe(200);
      expect(ok.headers.ratelimit).toEqual(expect.stringContaining(`remaining=${5 - i}`));
      expect(ok.headers['ratelimit-policy']).toEqual(expect.stringContaining('5'));
    }
    const sixth = await limited.as('rst').get('/api/v1/me');
    isProblem(sixth, 429, 'rate_limited');
    expect(sixth.headers.ratelimit).toEqual(expect.stringContaining('remaining=0'));
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect((await limited.as('mzt').get('/api/v1/me')).status).toBe(200);
  });

  it('counts in Postgres: a second replica on the same database shares the budget', async () => {
    // another API process: its own Express app and limiter objects, the same database
    const replica = createApp({
      config: { ...loadConfig({}), limits: { perClientPerMinute: 5, authFailuresPer15Min: 3 } },
      db: limited.tdb.db,
      temporal: limited.temporal,
      calendars: createCalendarProvider(limited.tdb.db),
    });
    const viaReplica = () => request(replica).get('/api/v1/me').set('Authorization', `Bearer ${KEYS.gat}`);
    for (let i = 0; i < 3; i++) expect((await limited.as('gat').get('/api/v1/me')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await viaReplica()).status).toBe(200);
    isProblem(await viaReplica(), 429, 'rate_limited');
    isProblem(await limited.as('gat').get('/api/v1/me'), 429, 'rate_limited');
  });

  // runs last in this block: it blocks the test address on this app for 15 minutes
  it('stops the 4th failed authentication from one address with 429, before checking the key', async () => {
    const bad = () =>
      request(limited.app)
        .get('/api/v1/me')
        .set('Authorization', 'Bearer gx_0123456789ab_guessing-keys-here');
    for (let i = 0; i < 3; i++) isProblem(await bad(), 401, 'invalid_credentials');
    isProblem(await bad(), 429, 'rate_limited');
  });
});
