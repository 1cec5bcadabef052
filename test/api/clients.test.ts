/**
 * Identity administration over HTTP (issue 5): clients and keys are created, rotated with an overlap window and
 * revoked through the real app on a private seeded database; every response is checked against the generated
 * OpenAPI document, and no secret may reach the database or the audit log.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createTestApi, KEYS, type TestApi } from '../support/api';
import { beijingInstant } from '../../calendar/dates';

/** the random part after `gx_<12 hex>_` (it may itself contain '_') */
const secretPart = (key: string) => key.slice('gx_'.length + 13);
let api: TestApi;
let validateAgainst: (method: string, path: string, res: request.Response) => void;
/** every plaintext key this file saw; none may appear in the audit log */
const secrets: string[] = [];

beforeAll(async () => {
  api = await createTestApi();
  const doc = (await request(api.app).get('/api/v1/openapi.json').expect(200)).body as Record<
    string,
    unknown
  >;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi');
  validateAgainst = (method, path, res) => {
    const type = String(res.headers['content-type']).split(';')[0];
    const pointer = [
      'paths',
      `/api/v1${path}`,
      method,
      'responses',
      String(res.status),
      'content',
      type,
      'schema',
    ]
      .map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const validate = ajv.getSchema(`openapi#/${pointer}`);
    if (!validate)
      throw new Error(`${method} ${path}: status ${res.status} (${type}) is not in the contract`);
    if (!validate(res.body)) {
      throw new Error(`${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`);
    }
  };
});
afterAll(async () => {
  await api?.close();
});

const bearer = (secret: string) => `Bearer ${secret}`;
const asKey = (secret: string) => ({
  get: (p: string) => request(api.app).get(p).set('Authorization', bearer(secret)),
  post: (p: string) => request(api.app).post(p).set('Authorization', bearer(secret)),
});
/** sends, then checks the answer against the contract of the declared (OpenAPI-style) path */
async function call(t: request.Test, method: string, path: string): Promise<request.Response> {
  const res = await t;
  validateAgainst(method, path, res);
  return res;
}
const counts = async () => ({
  clients: await api.tdb.db.apiClient.count(),
  keys: await api.tdb.db.apiKey.count(),
  audit: await api.tdb.db.auditLog.count(),
});

interface Created {
  client: { id: string; keys: { id: string; prefix: string }[] };
  key: { id: string; prefix: string; secret: string; expiresAt: string | null };
}
let seq = 0;
async function createDepartmentClient(extra: Record<string, unknown> = {}): Promise<Created> {
  const res = await call(
    api
      .as('admin')
      .post('/api/v1/clients')
      .send({ name: `人社厅测试系统 ${++seq}`, role: 'DEPARTMENT', departmentId: 'NMG-RST', ...extra }),
    'post',
    '/clients',
  );
  expect(res.status).toBe(201);
  const body = res.body as Created;
  secrets.push(body.key.secret);
  return body;
}

it('the contract check itself catches a body that does not match', () => {
  const fake = { status: 200, headers: { 'content-type': 'application/json' }, body: { clientId: 1 } };
  expect(() => validateAgainst('get', '/me', fake as unknown as request.Response)).toThrow(/must/);
  expect(() =>
    validateAgainst('get', '/me', { ...fake, status: 418 } as unknown as request.Response),
  ).toThrow(/not in the contract/);
});

describe('GET /me', () => {
  it('tells an integrator who it is and which key it used', async () => {
    const res = await call(api.as('rst').get('/api/v1/me'), 'get', '/me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      role: 'DEPARTMENT',
      departmentId: 'NMG-RST',
      key: { prefix: KEYS.rst.split('_')[1], expiresAt: null },
    });
    expect(res.body.departmentName).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toContain(KEYS.rst);
    const admin = await call(api.as('admin').get('/api/v1/me'), 'get', '/me');
    expect(admin.body).toMatchObject({ role: 'ADMIN', departmentId: null, departmentName: null });
  });

  it('needs a key', async () => {
    const res = await call(api.as('none').get('/api/v1/me'), 'get', '/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
  });
});

describe('POST /clients', () => {
  it('creates a client whose key works at once; only the hash is stored, shown once, never audited', async () => {
    const created = await createDepartmentClient({ label: '生产环境' });
    const { client, key } = created;
    expect(key.secret).toMatch(new RegExp(`^gx_${key.prefix}_[\\w-]{16,}$`));
    expect(client.keys).toEqual([
      expect.objectContaining({ id: key.id, prefix: key.prefix, status: 'active' }),
    ]);

    const me = await call(asKey(key.secret).get('/api/v1/me'), 'get', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ clientId: client.id, role: 'DEPARTMENT', departmentId: 'NMG-RST' });
    expect(me.body.key).toMatchObject({ id: key.id, label: '生产环境' });

    const row = await api.tdb.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.hash).toBe(createHash('sha256').update(key.secret).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secretPart(key.secret));

    // the admin's view of the client never shows the secret again
    const view = await call(api.as('admin').get(`/api/v1/clients/${client.id}`), 'get', '/clients/{id}');
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain(secretPart(key.secret));

    const audit = await api.tdb.db.auditLog.findFirstOrThrow({
      where: { action: 'client_created', target: client.id },
    });
    expect(audit.data).toMatchObject({ clientId: client.id, keyId: key.id, prefix: key.prefix });
  });

  it('marks responses with a secret as not cacheable', async () => {
    const res = await api
      .as('admin')
      .post('/api/v1/clients')
      .send({ name: '缓存检查', role: 'DEPARTMENT', departmentId: 'NMG-MZT' });
    expect(res.status).toBe(201);
    secrets.push(res.body.key.secret);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.location).toBe(`/api/v1/clients/${res.body.client.id}`);
  });

  it('creates supervisors only for supervising departments, admins for none', async () => {
    const sup = await call(
      api
        .as('admin')
        .post('/api/v1/clients')
        .send({ name: '协调办公室新系统', role: 'SUPERVISOR', departmentId: 'NMG-XTBGS' }),
      'post',
      '/clients',
    );
    expect(sup.status).toBe(201);
    secrets.push(sup.body.key.secret);
    const admin = await call(
      api.as('admin').post('/api/v1/clients').send({ name: '第二位管理员', role: 'ADMIN' }),
      'post',
      '/clients',
    );
    expect(admin.status).toBe(201);
    expect(admin.body.client.departmentId).toBeNull();
    secrets.push(admin.body.key.secret);
  });

  it('rejects bad input and non-admins without writing anything but the denial', async () => {
    const before = await counts();
    const bad: [Record<string, unknown>, number, string][] = [
      [{ name: '无部门', role: 'DEPARTMENT' }, 400, 'validation_failed'],
      [{ name: '管理员带部门', role: 'ADMIN', departmentId: 'NMG-RST' }, 400, 'validation_failed'],
      [{ name: '多余字段', role: 'ADMIN', hash: 'x' }, 400, 'validation_failed'],
      [{ name: '', role: 'ADMIN' }, 400, 'validation_failed'],
      [{ name: '过期', role: 'ADMIN', expiresAt: '2000-01-01T00:00:00Z' }, 400, 'validation_failed'],
      [{ name: '虚构部门', role: 'DEPARTMENT', departmentId: 'NMG-NOPE' }, 422, 'unknown_department'],
      [
        { name: '非监督部门', role: 'SUPERVISOR', departmentId: 'NMG-RST' },
        422,
        'not_a_supervising_department',
      ],
    ];
    for (const [body, status, code] of bad) {
      const res = await call(api.as('admin').post('/api/v1/clients').send(body), 'post', '/clients');
      expect([res.status, res.body.code]).toEqual([status, code]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const missingDept = await api.as('admin').post('/api/v1/clients').send(bad[0][0]);
    expect(missingDept.body.errors).toEqual([expect.objectContaining({ field: 'departmentId' })]);
    expect(await counts()).toEqual(before);

    for (const who of ['rst', 'supervisor'] as const) {
      const res = await call(
        api.as(who).post('/api/v1/clients').send({ name: '越权', role: 'ADMIN' }),
        'post',
        '/clients',
      );
      expect([res.status, res.body.code]).toEqual([403, 'forbidden']);
    }
    // the builder audits each denial; nothing else was written
    expect(await counts()).toEqual({ ...before, audit: before.audit + 2 });
    const denied = await api.tdb.db.auditLog.findMany({ orderBy: { id: 'desc' }, take: 2 });
    expect(denied.map((d) => [d.action, d.target])).toEqual([
      ['access_denied', 'POST /api/v1/clients'],
      ['access_denied', 'POST /api/v1/clients'],
    ]);
  });
});

describe('GET /clients', () => {
  it('pages through every client once, with filters', async () => {
    await createDepartmentClient();
    const total = await api.tdb.db.apiClient.count();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await call(api.as('admin').get(`/api/v1/clients${q}`), 'get', '/clients');
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);

    const depts = await call(
      api.as('admin').get('/api/v1/clients?role=DEPARTMENT&departmentId=NMG-RST&limit=100'),
      'get',
      '/clients',
    );
    expect(depts.body.items.length).toBeGreaterThanOrEqual(2);
    for (const c of depts.body.items)
      expect(c).toMatchObject({ role: 'DEPARTMENT', departmentId: 'NMG-RST' });
    for (const c of depts.body.items) expect(JSON.stringify(c)).not.toMatch(/hash/);
  });

  it('rejects a forged cursor and non-admins', async () => {
    const forged = Buffer.from('["not a date","x"]').toString('base64url');
    const res = await call(api.as('admin').get(`/api/v1/clients?cursor=${forged}`), 'get', '/clients');
    expect([res.status, res.body.code]).toEqual([400, 'invalid_cursor']);
    const sup = await call(api.as('supervisor').get('/api/v1/clients'), 'get', '/clients');
    expect(sup.status).toBe(403);
  });

  it('answers 404 for an unknown client', async () => {
    const res = await call(api.as('admin').get('/api/v1/clients/nope'), 'get', '/clients/{id}');
    expect([res.status, res.body.code]).toEqual([404, 'client_not_found']);
  });
});

describe('第二十三条 key rotation', () => {
  it('keeps the old key working for the default 24 h overlap, then stops it', async () => {
    const { client, key: old } = await createDepartmentClient();
    const res = await call(
      api.as('admin').post(`/api/v1/clients/${client.id}/keys`).send({ label: '2026 轮换' }),
      'post',
      '/clients/{id}/keys',
    );
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const fresh = res.body.key as { id: string; secret: string };
    secrets.push(fresh.secret);
    expect(res.body.expiring).toEqual([expect.objectContaining({ id: old.id, prefix: old.prefix })]);

    const stored = await api.tdb.db.apiKey.findUniqueOrThrow({ where: { id: old.id } });
    const expected = Date.now() + 24 * 3_600_000;
    expect(Math.abs(stored.expiresAt!.getTime() - expected)).toBeLessThan(60_000);
    expect(res.body.expiring[0].expiresAt).toBe(beijingInstant(stored.expiresAt!));

    // inside the window both keys work
    expect((await asKey(old.secret).get('/api/v1/me')).status).toBe(200);
    expect((await asKey(fresh.secret).get('/api/v1/me')).status).toBe(200);

    // 24 h cannot pass in a test: moving the stored end of the window into the past is what the clock would do
    await api.tdb.db.apiKey.update({
      where: { id: old.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const after = await call(asKey(old.secret).get('/api/v1/me'), 'get', '/me');
    expect([after.status, after.body.code]).toEqual([401, 'invalid_credentials']);
    expect((await asKey(fresh.secret).get('/api/v1/me')).status).toBe(200);

    const view = await call(api.as('admin').get(`/api/v1/clients/${client.id}`), 'get', '/clients/{id}');
    expect(view.body.keys.map((k: { id: string }) => k.id)).toEqual([fresh.id]);
  });

  it('lets a department system rotate its own key; overlapHours 0 stops the old one at once', async () => {
    const { client, key: old } = await createDepartmentClient();
    const res = await call(
      asKey(old.secret).post('/api/v1/me/keys').send({ overlapHours: 0 }),
      'post',
      '/me/keys',
    );
    expect(res.status).toBe(201);
    secrets.push(res.body.key.secret);
    expect(res.body.expiring).toEqual([expect.objectContaining({ id: old.id })]);
    const again = await call(asKey(old.secret).get('/api/v1/me'), 'get', '/me');
    expect([again.status, again.body.code]).toEqual([401, 'invalid_credentials']);
    const me = await call(asKey(res.body.key.secret).get('/api/v1/me'), 'get', '/me');
    expect(me.body).toMatchObject({ clientId: client.id, key: { id: res.body.key.id } });

    const audit = await api.tdb.db.auditLog.findFirstOrThrow({
      where: { action: 'key_issued', target: client.id },
      orderBy: { id: 'desc' },
    });
    expect(audit.actor).toBe(client.id);
    expect(audit.data).toMatchObject({ keyId: res.body.key.id, overlapHours: 0 });
  });

  it('does not lengthen a key that already expires sooner than the overlap', async () => {
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const { client, key } = await createDepartmentClient({ expiresAt: soon });
    const res = await api.as('admin').post(`/api/v1/clients/${client.id}/keys`).send({ overlapHours: 48 });
    expect(res.status).toBe(201);
    secrets.push(res.body.key.secret);
    expect(res.body.expiring).toEqual([
      expect.objectContaining({ id: key.id, expiresAt: beijingInstant(soon) }),
    ]);
    const stored = await api.tdb.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(stored.expiresAt!.toISOString()).toBe(new Date(soon).toISOString());
  });

  it(`limits valid keys per client and rejects bad overlaps without writing`, async () => {
    const { client } = await createDepartmentClient();
    for (let i = 0; i < 4; i++) {
      const r = await api.as('admin').post(`/api/v1/clients/${client.id}/keys`).send({});
      expect(r.status).toBe(201);
      secrets.push(r.body.key.secret);
    }
    const before = await counts();
    const full = await call(
      api.as('admin').post(`/api/v1/clients/${client.id}/keys`).send({}),
      'post',
      '/clients/{id}/keys',
    );
    expect([full.status, full.body.code]).toEqual([409, 'too_many_keys']);
    for (const overlapHours of [-1, 721, 1.5, '24']) {
      const r = await call(
        api.as('admin').post(`/api/v1/clients/${client.id}/keys`).send({ overlapHours }),
        'post',
        '/clients/{id}/keys',
      );
      expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
    }
    const missing = await call(
      api.as('admin').post('/api/v1/clients/nope/keys').send({}),
      'post',
      '/clients/{id}/keys',
    );
    expect([missing.status, missing.body.code]).toEqual([404, 'client_not_found']);
    expect(await counts()).toEqual(before);

    // an immediate rotation leaves one valid key, so it is always allowed
    const now = await api.as('admin').post(`/api/v1/clients/${client.id}/keys`).send({ overlapHours: 0 });
    expect(now.status).toBe(201);
    secrets.push(now.body.key.secret);
    const view = await api.as('admin').get(`/api/v1/clients/${client.id}`);
    expect(view.body.keys).toHaveLength(1);

    // the full history stays readable, newest first, paged
    const history: { id: string; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `?limit=4&cursor=${cursor}` : '?limit=4';
      const page = await call(
        api.as('admin').get(`/api/v1/clients/${client.id}/keys${q}`),
        'get',
        '/clients/{id}/keys',
      );
      history.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(history).toHaveLength(6);
    expect(history[0]).toMatchObject({ id: now.body.key.id, status: 'active' });
    expect(history.slice(1).every((k) => k.status === 'expired')).toBe(true);
  });
});

describe('第二十三条 revocation', () => {
  it('revokes one key at once, only once', async () => {
    const { client, key } = await createDepartmentClient();
    const path = `/api/v1/clients/${client.id}/keys/${key.id}/revoke`;
    const res = await call(
      api.as('admin').post(path).send({ reason: '疑似泄露' }),
      'post',
      '/clients/{id}/keys/{keyId}/revoke',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: key.id, status: 'revoked' });
    const denied = await call(asKey(key.secret).get('/api/v1/me'), 'get', '/me');
    expect([denied.status, denied.body.code]).toEqual([401, 'invalid_credentials']);

    const again = await call(
      api.as('admin').post(path).send({}),
      'post',
      '/clients/{id}/keys/{keyId}/revoke',
    );
    expect([again.status, again.body.code]).toEqual([409, 'key_already_revoked']);
    // a key addressed under another client does not exist there
    const other = await createDepartmentClient();
    const wrong = await call(
      api.as('admin').post(`/api/v1/clients/${client.id}/keys/${other.key.id}/revoke`).send({}),
      'post',
      '/clients/{id}/keys/{keyId}/revoke',
    );
    expect([wrong.status, wrong.body.code]).toEqual([404, 'key_not_found']);
    expect((await asKey(other.key.secret).get('/api/v1/me')).status).toBe(200);

    const audit = await api.tdb.db.auditLog.findFirstOrThrow({
      where: { action: 'key_revoked', target: client.id },
    });
    expect(audit.data).toMatchObject({
      clientId: client.id,
      keyId: key.id,
      prefix: key.prefix,
      reason: '疑似泄露',
    });
  });

  it('lets a client revoke its other keys but not the one in use', async () => {
    const { key: first } = await createDepartmentClient();
    const rotated = await asKey(first.secret).post('/api/v1/me/keys').send({});
    expect(rotated.status).toBe(201);
    const second = rotated.body.key as { id: string; secret: string };
    secrets.push(second.secret);

    const inUse = await call(
      asKey(second.secret).post(`/api/v1/me/keys/${second.id}/revoke`).send({}),
      'post',
      '/me/keys/{keyId}/revoke',
    );
    expect([inUse.status, inUse.body.code]).toEqual([409, 'key_in_use']);
    const foreign = await call(
      asKey(second.secret)
        .post(`/api/v1/me/keys/${KEYS.admin.split('_')[1]}/revoke`)
        .send({}),
      'post',
      '/me/keys/{keyId}/revoke',
    );
    expect([foreign.status, foreign.body.code]).toEqual([404, 'key_not_found']);
    const adminKeyId = (await api.as('admin').get('/api/v1/me')).body.key.id as string;
    const adminKey = await asKey(second.secret).post(`/api/v1/me/keys/${adminKeyId}/revoke`).send({});
    expect(adminKey.status).toBe(404);
    expect((await api.as('admin').get('/api/v1/me')).status).toBe(200);

    const old = await call(
      asKey(second.secret).post(`/api/v1/me/keys/${first.id}/revoke`).send({}),
      'post',
      '/me/keys/{keyId}/revoke',
    );
    expect(old.status).toBe(200);
    expect((await asKey(first.secret).get('/api/v1/me')).status).toBe(401);
    expect((await asKey(second.secret).get('/api/v1/me')).status).toBe(200);
  });

  it('revokes a whole client: every key stops; not oneself, not twice', async () => {
    const { client, key } = await createDepartmentClient();
    const extra = await api.as('admin').post(`/api/v1/clients/${client.id}/keys`).send({});
    secrets.push(extra.body.key.secret);
    const res = await call(
      api.as('admin').post(`/api/v1/clients/${client.id}/revoke`).send({ reason: '系统下线' }),
      'post',
      '/clients/{id}/revoke',
    );
    expect(res.status).toBe(200);
    expect(res.body.revokedAt).toEqual(expect.any(String));
    expect(res.body.keys).toEqual([]);
    for (const s of [key.secret, extra.body.key.secret as string]) {
      const r = await asKey(s).get('/api/v1/me');
      expect([r.status, r.body.code]).toEqual([401, 'invalid_credentials']);
    }
    const again = await call(
      api.as('admin').post(`/api/v1/clients/${client.id}/revoke`).send({}),
      'post',
      '/clients/{id}/revoke',
    );
    expect([again.status, again.body.code]).toEqual([409, 'client_already_revoked']);
    const reissue = await call(
      api.as('admin').post(`/api/v1/clients/${client.id}/keys`).send({}),
      'post',
      '/clients/{id}/keys',
    );
    expect([reissue.status, reissue.body.code]).toEqual([409, 'client_revoked']);

    const self = (await api.as('admin').get('/api/v1/me')).body.clientId as string;
    const selfRevoke = await call(
      api.as('admin').post(`/api/v1/clients/${self}/revoke`).send({}),
      'post',
      '/clients/{id}/revoke',
    );
    expect([selfRevoke.status, selfRevoke.body.code]).toEqual([409, 'cannot_revoke_self']);
    expect((await api.as('admin').get('/api/v1/me')).status).toBe(200);

    const revoked = await call(api.as('admin').get('/api/v1/clients?revoked=true'), 'get', '/clients');
    expect(revoked.body.items.map((c: { id: string }) => c.id)).toEqual([client.id]);
    const audit = await api.tdb.db.auditLog.findFirstOrThrow({
      where: { action: 'client_revoked', target: client.id },
    });
    expect(audit.data).toMatchObject({ clientId: client.id, reason: '系统下线' });
    expect((audit.data as { keys: unknown[] }).keys).toHaveLength(2);
  });

  it('non-admins cannot issue or revoke for others', async () => {
    const { client, key } = await createDepartmentClient();
    const before = await counts();
    const attempts = [
      api.as('gat').post(`/api/v1/clients/${client.id}/keys`).send({}),
      api.as('supervisor').post(`/api/v1/clients/${client.id}/revoke`).send({}),
      api.as('gat').post(`/api/v1/clients/${client.id}/keys/${key.id}/revoke`).send({}),
    ];
    for (const a of attempts) expect((await a).status).toBe(403);
    expect(await counts()).toEqual({ ...before, audit: before.audit + 3 });
    expect((await asKey(key.secret).get('/api/v1/me')).status).toBe(200);
  });
});

describe('第二十四条 the audit log of identity changes', () => {
  it('records every identity change with prefixes, and holds none of the secrets', async () => {
    const rows = await api.tdb.db.auditLog.findMany();
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['client_created', 'key_issued', 'key_revoked', 'client_revoked'])
      expect(actions).toContain(a);
    const all = JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(secrets.length).toBeGreaterThan(10);
    for (const s of secrets) {
      expect(all).not.toContain(s);
      expect(all).not.toContain(secretPart(s));
      expect(all).not.toContain(createHash('sha256').update(s).digest('hex'));
    }
  });
});
