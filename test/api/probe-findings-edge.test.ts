/**
 * Issue 10, probe findings at the HTTP edge: key rotation by superseded keys (5), bodies that are not JSON (6),
 * the size of calendar upload errors and the spelling of the Authorization scheme (9). Real app, real
 * Postgres (a private seeded database), responses checked against the served OpenAPI document.
 */
import request from 'supertest';
import { createTestApi, KEYS, type TestApi } from '../support/api';
import { ContractChecker, fetchSpec, operationsOf, type OpenApiDoc } from '../support/contract';

let api: TestApi;
let spec: OpenApiDoc;
let checker: ContractChecker;

beforeAll(async () => {
  api = await createTestApi();
  spec = await fetchSpec(api.app);
  checker = new ContractChecker(spec);
});
afterAll(async () => {
  await api?.close();
});

const V1 = '/api/v1';
const isProblem = (res: request.Response, status: number, code: string) => {
  expect([res.status, res.body.code]).toEqual([status, code]);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
};
/** the response must be what the contract declares for this operation */
const conforms = (method: string, template: string, res: request.Response) =>
  expect(checker.check(method, `${V1}${template}`, res)).toEqual([]);

const withKey = (secret: string) => ({
  get: (p: string) =>
    request(api.app)
      .get(V1 + p)
      .set('Authorization', `Bearer ${secret}`),
  post: (p: string) =>
    request(api.app)
      .post(V1 + p)
      .set('Authorization', `Bearer ${secret}`),
});
const denials = () => api.tdb.db.auditLog.count({ where: { action: 'access_denied' } });

let seq = 0;
/** A new client (DEPARTMENT of RST, or ADMIN) with its first key. */
async function newClient(role: 'DEPARTMENT' | 'ADMIN' = 'DEPARTMENT') {
  const res = await api
    .as('admin')
    .post(`${V1}/clients`)
    .send({
      name: `轮换测试 ${++seq}`,
      role,
      ...(role === 'DEPARTMENT' ? { departmentId: 'NMG-RST' } : {}),
    });
  expect(res.status).toBe(201);
  return {
    clientId: res.body.client.id as string,
    key: res.body.key as { id: string; prefix: string; secret: string },
  };
}
async function rotate(secret: string, body: object = {}) {
  const res = await withKey(secret).post('/me/keys').send(body);
  expect(res.status).toBe(201);
  return res.body.key as { id: string; prefix: string; secret: string };
}

describe('finding 5: only the newest key may rotate or revoke', () => {
  it('an old key in its overlap window cannot rotate (overlapHours 0 would lock the new key out)', async () => {
    const { clientId, key: k1 } = await newClient();
    const k2 = await rotate(k1.secret);
    const keysBefore = await api.tdb.db.apiKey.count({ where: { clientId } });
    const before = await denials();

    const res = await withKey(k1.secret).post('/me/keys').send({ overlapHours: 0 });
    isProblem(res, 403, 'key_superseded');
    conforms('post', '/me/keys', res);
    // nothing changed: no new key, the newer key is still valid, the old one still in its window
    expect(await api.tdb.db.apiKey.count({ where: { clientId } })).toBe(keysBefore);
    expect((await withKey(k2.secret).get('/me')).status).toBe(200);
    expect((await withKey(k1.secret).get('/me')).status).toBe(200);
    // on record as a denial, like every other refusal
    expect(await denials()).toBe(before + 1);
    const row = await api.tdb.db.auditLog.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(row).toMatchObject({ actor: clientId, action: 'access_denied', target: 'POST /api/v1/me/keys' });
    expect(JSON.stringify(row.data)).not.toContain(k1.secret.slice(16));
  });

  it('an old key cannot revoke the newer key, nor any other key', async () => {
    const { key: k1 } = await newClient();
    const k2 = await rotate(k1.secret);
    const k3 = await rotate(k2.secret);
    for (const target of [k3.id, k2.id]) {
      const before = await denials();
      const res = await withKey(k1.secret).post(`/me/keys/${target}/revoke`).send({ reason: '旧密钥' });
      isProblem(res, 403, 'key_superseded');
      conforms('post', '/me/keys/{keyId}/revoke', res);
      expect(await denials()).toBe(before + 1);
    }
    for (const k of [k1, k2, k3]) expect((await withKey(k.secret).get('/me')).status).toBe(200);
  });

  it('the newest key still rotates and revokes the older ones', async () => {
    const { key: k1 } = await newClient();
    const k2 = await rotate(k1.secret);
    const revoked = await withKey(k2.secret).post(`/me/keys/${k1.id}/revoke`).send({});
    expect(revoked.status).toBe(200);
    conforms('post', '/me/keys/{keyId}/revoke', revoked);
    const k3 = await rotate(k2.secret, { overlapHours: 0 });
    expect((await withKey(k3.secret).get('/me')).status).toBe(200);
    expect((await withKey(k2.secret).get('/me')).status).toBe(401);
  });

  it("an administrator's superseded key cannot change its own client's keys, but still administers others", async () => {
    const { clientId, key: k1 } = await newClient('ADMIN');
    const k2 = await rotate(k1.secret);
    const before = await denials();
    const issue = await withKey(k1.secret).post(`/clients/${clientId}/keys`).send({ overlapHours: 0 });
    isProblem(issue, 403, 'key_superseded');
    conforms('post', '/clients/{id}/keys', issue);
    const revoke = await withKey(k1.secret).post(`/clients/${clientId}/keys/${k2.id}/revoke`).send({});
    isProblem(revoke, 403, 'key_superseded');
    conforms('post', '/clients/{id}/keys/{keyId}/revoke', revoke);
    expect(await denials()).toBe(before + 2);
    expect((await withKey(k2.secret).get('/me')).status).toBe(200);
    // the overlap window exists so that the old key keeps working: for other clients it does
    const other = await newClient();
    const issued = await withKey(k1.secret).post(`/clients/${other.clientId}/keys`).send({});
    expect(issued.status).toBe(201);
  });
});

describe('finding 6: a body that is present but not JSON is 415', () => {
  it('POST /me/keys with text/plain is 415 unsupported_media_type and issues no key', async () => {
    const { clientId, key } = await newClient();
    const keys = await api.tdb.db.apiKey.count({ where: { clientId } });
    const res = await withKey(key.secret)
      .post('/me/keys')
      .set('Content-Type', 'text/plain')
      .send('{"overlapHours":0}');
    isProblem(res, 415, 'unsupported_media_type');
    conforms('post', '/me/keys', res);
    expect(await api.tdb.db.apiKey.count({ where: { clientId } })).toBe(keys);
    expect((await withKey(key.secret).get('/me')).status).toBe(200);
  });

  it('is 415 on every operation of the document (called by the administrator), before anything is written', async () => {
    const audit = await api.tdb.db.auditLog.count();
    const wrong: string[] = [];
    for (const op of operationsOf(spec)) {
      const url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'year' ? '2027' : 'X-1'));
      for (const [type, body] of [
        ['text/plain', 'overlapHours=0'],
        ['application/x-www-form-urlencoded', 'a=1'],
        ['', '{"a":1}'],
      ] as const) {
        let t = request(api.app)[op.method as 'get'](url).set('Authorization', `Bearer ${KEYS.admin}`);
        // without a type header supertest would add one; a raw Buffer goes out as it is
        t = type ? t.set('Content-Type', type).send(body) : t.send(Buffer.from(body));
        const res = await t;
        if (
          res.status !== 415 ||
          res.body.code !== 'unsupported_media_type' ||
          !/[\u4e00-\u9fff]/.test(res.body.detail)
        ) {
          wrong.push(`${op.method} ${op.path} (${type || 'no type'}): ${res.status} ${res.body.code}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await api.tdb.db.auditLog.count()).toBe(audit);
  });

  it('the contract declares 415 on every operation, since any request may carry a body', () => {
    const missing = operationsOf(spec)
      .filter((op) => !op.doc.responses['415'])
      .map((op) => `${op.method} ${op.path}`);
    expect(missing).toEqual([]);
  });

  it('accepts JSON in all its spellings, and requests without a body whatever their type', async () => {
    const { key } = await newClient();
    let current = key.secret;
    for (const type of [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/merge-patch+json',
      'application/vnd.gxcase+json; charset=UTF-8',
    ]) {
      const res = await withKey(current)
        .post('/me/keys')
        .set('Content-Type', type)
        .send(JSON.stringify({ overlapHours: 0, label: type }));
      expect([type, res.status]).toEqual([type, 201]);
      // the body was read, not replaced by defaults
      expect(res.body.key.label).toBe(type);
      current = res.body.key.secret;
    }
    // no body at all, or an empty one with any declared type
    expect((await withKey(current).get('/me').set('Content-Type', 'text/plain')).status).toBe(200);
    expect((await withKey(current).post('/me/keys')).status).toBe(201);
  });
});

describe('finding 9a: a calendar upload with thousands of errors answers with a bounded list', () => {
  it('lists the first 50 errors, the total and a Chinese note that more exist', async () => {
    // 15,000 rest days, none of them inside 2027: one error each
    const restDays = Array.from({ length: 15_000 }, () => '2031-05-01');
    const res = await api
      .as('admin')
      .put(`${V1}/calendar/2027`)
      .send({
        year: 2027,
        source: {
          title: '国务院办公厅关于2027年部分节假日安排的通知',
          number: '国办发明电〔2026〕1号',
          date: '2026-11-01',
        },
        holidays: [{ name: '测试', restDays }],
      });
    isProblem(res, 400, 'invalid_arrangement');
    conforms('put', '/calendar/{year}', res);
    expect(res.text.length).toBeLessThan(64 * 1024);
    expect(res.body.errors).toHaveLength(50);
    expect(res.body.errorCount).toBeGreaterThanOrEqual(15_000);
    expect(res.body.detail).toContain(String(res.body.errorCount));
    expect(res.body.detail).toMatch(/仅列出前 50 处/);
  });

  it('a short list is left as it is', async () => {
    const res = await api.as('admin').put(`${V1}/calendar/2027`).send({ year: 2026 });
    isProblem(res, 400, 'invalid_arrangement');
    expect(res.body.errors.length).toBeLessThan(50);
    expect(res.body.errorCount).toBeUndefined();
  });
});

describe('finding 9b: the Authorization scheme is case-insensitive (RFC 9110)', () => {
  it.each([
    ['lower case', `bearer ${KEYS.rst}`],
    ['upper case', `BEARER ${KEYS.rst}`],
    ['extra spaces', `Bearer    ${KEYS.rst}`],
    ['a tab', `Bearer\t${KEYS.rst}`],
  ])('accepts %s', async (_what, header) => {
    const res = await request(api.app).get(`${V1}/me`).set('Authorization', header);
    expect(res.status).toBe(200);
    expect(res.body.departmentId).toBe('NMG-RST');
  });

  it.each([
    ['a scheme without a token', 'Bearer ', 'unauthenticated'],
    ['another scheme', `Basic ${KEYS.rst}`, 'unauthenticated'],
    ['the scheme glued to the key', `Bearer${KEYS.rst}`, 'unauthenticated'],
  ])('still refuses %s', async (_what, header, code) => {
    isProblem(await request(api.app).get(`${V1}/me`).set('Authorization', header), 401, code);
  });
});
