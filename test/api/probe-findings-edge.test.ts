/**
 * Issue 10, probe findings at the HTTP edge: key rotation by superseded keys (5), bodies that are not JSON (6),
 * the size of calendar upload errors and the spelling of the Authorization scheme (9). Real app, real
 * Postgres (a private seeded database), responses checked against the served OpenAPI document.
 */
import request from 'supertest';
import { createTestApi, type TestApi } from '../support/api';
import { ContractChecker, fetchSpec, type OpenApiDoc } from '../support/contract';

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
