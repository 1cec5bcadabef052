/**
 * No lost update between preview and confirm: a load that names the version its preview was made against
 * (expectedVersion) is refused with 409 calendar_version_changed when someone else loaded or withdrew the
 * year in between, and nothing is written. Same check on PUT /calendar/{year} (query), optional there.
 * The 2027 notice and arrangement are MADE UP for the tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestApi, type TestApi } from '../support/api';
import { ADMIN, cli, fixture2027 } from './helpers';
import { TEST_NOTICE_2027 } from './notice-text';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.close());

const send = (method: 'put' | 'post', url: string, body: unknown) => {
  const r = method === 'put' ? request(api.app).put(url) : request(api.app).post(url);
  return r.set('Authorization', ADMIN).send(body as object);
};
const notice = { text: TEST_NOTICE_2027, number: '测试发明电〔2026〕99号' };
const rows2027 = () => api.tdb.db.calendarYear.count({ where: { year: 2027 } });

test('preview, another load, confirm → 409 naming the newer version; nothing written', async () => {
  const dry = await send('post', '/api/v1/calendar/2027/notice?dryRun=true', notice);
  expect(dry.body).toMatchObject({ previousVersion: null, version: 1 });

  // meanwhile another administrator loads 2027 from JSON
  const other = await send('put', '/api/v1/calendar/2027', fixture2027());
  expect(other.status).toBe(201);
  const audits = await api.tdb.db.auditLog.count();

  const stale = await send('post', '/api/v1/calendar/2027/notice', { ...notice, expectedVersion: 'none' });
  expect(stale.status).toBe(409);
  expect(stale.headers['content-type']).toMatch(/problem\+json/);
  expect(stale.body).toMatchObject({ code: 'calendar_version_changed', currentVersion: 1 });
  expect(stale.body.detail).toMatch(
    /^预览之后 2027 年的节假日安排已有变化：接口客户端 \S+ 已于 \d{4}年\d+月\d+日 \d\d:\d\d 加载了第 1 版（预览时没有已加载的版本）/,
  );
  expect(await rows2027()).toBe(1);
  expect(await api.tdb.db.auditLog.count()).toBe(audits);

  // previewed again against version 1, the confirm goes through
  const ok = await send('post', '/api/v1/calendar/2027/notice', { ...notice, expectedVersion: 1 });
  expect(ok.status).toBe(201);
  expect(ok.body).toMatchObject({ version: 2, previousVersion: 1 });
});

test('PUT: expectedVersion optional; stale refused; two confirms of one preview → one wins', async () => {
  const stale = await send('put', '/api/v1/calendar/2027?expectedVersion=1', fixture2027());
  expect(stale.status).toBe(409);
  expect(stale.body).toMatchObject({ code: 'calendar_version_changed', currentVersion: 2 });
  expect(stale.body.detail).toContain('加载了第 2 版（预览时现行为第 1 版）');
  expect(await rows2027()).toBe(2);

  // without it, as before
  expect((await send('put', '/api/v1/calendar/2027', fixture2027())).status).toBe(201);

  const both = await Promise.all([
    send('put', '/api/v1/calendar/2027?expectedVersion=3', fixture2027()),
    send('put', '/api/v1/calendar/2027?expectedVersion=3', fixture2027()),
  ]);
  expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
  expect(await rows2027()).toBe(4);

  const bad = await send('put', '/api/v1/calendar/2027?expectedVersion=0', fixture2027());
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe('invalid_expected_version');
  const badBody = await send('post', '/api/v1/calendar/2027/notice', {
    ...notice,
    expectedVersion: 'latest',
  });
  expect(badBody.status).toBe(400);
  expect(await rows2027()).toBe(4);
});

test('a withdrawal after the preview is a change too', async () => {
  const del = await request(api.app).delete('/api/v1/calendar/2027').set('Authorization', ADMIN);
  expect(del.status).toBe(200);
  const res = await send('post', '/api/v1/calendar/2027/notice', { ...notice, expectedVersion: 4 });
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ code: 'calendar_version_changed', currentVersion: 'none' });
  expect(res.body.detail).toMatch(/第 4 版已于 .* 被撤销（预览时现行为第 4 版）/);
});

test('CLI: the dry run names the version to confirm against; a stale one exits 2', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notice-race-'));
  const file = path.join(dir, 'notice.txt');
  fs.writeFileSync(file, TEST_NOTICE_2027);
  const env = { DATABASE_URL: api.tdb.url, TEMPORAL_ADDRESS: undefined };
  const args = ['calendar', 'notice', '--year', '2027', '--file', file, '--number', '测试发明电〔2026〕99号'];
  const dry = await cli(args, env);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain('加 --apply --expected-version none 再运行一次即保存');

  // someone loads 2027 (version 5) before this administrator applies what they checked
  expect((await send('put', '/api/v1/calendar/2027', fixture2027())).status).toBe(201);
  const stale = await cli([...args, '--apply', '--expected-version', 'none'], env);
  expect(stale.code).toBe(2);
  expect(stale.stderr).toContain('[calendar_version_changed]');
  expect(stale.stderr).toContain('加载了第 5 版');
  expect(await rows2027()).toBe(5);

  const applied = await cli([...args, '--apply', '--expected-version', '5', '--by', '测试'], env);
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain('已保存：2027 年第 6 版，取代第 5 版');
  fs.rmSync(dir, { recursive: true, force: true });
});
