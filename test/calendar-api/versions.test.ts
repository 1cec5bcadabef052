import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestApi, type TestApi } from '../support/api';
import { ADMIN, DEPARTMENT, FIXTURE_FILE, cli, fixture2027, insertOpenCase } from './helpers';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
  const { tdb } = api;
  // deadlines computed on the bundled calendar (2027 = provisional fallback)
  await insertOpenCase(tdb.db, {
    id: 'T-MOVES',
    receivedAt: '2027-02-01T10:00:00+08:00',
    workingDays: 5,
    deadlineDate: '2027-02-12',
    dueAt: '2027-02-13T00:00:00+08:00',
  });
  await insertOpenCase(tdb.db, {
    id: 'T-FLAG-ONLY',
    receivedAt: '2026-12-28T10:00:00+08:00',
    workingDays: 5,
    deadlineDate: '2027-01-05',
    dueAt: '2027-01-06T00:00:00+08:00',
  });
  await insertOpenCase(tdb.db, {
    id: 'T-2026-ONLY',
    receivedAt: '2026-03-02T10:00:00+08:00',
    workingDays: 5,
    deadlineDate: '2026-03-09',
    dueAt: '2026-03-10T00:00:00+08:00',
  });
});
afterAll(() => api?.close());

const get = (url: string, auth = ADMIN) => request(api.app).get(url).set('Authorization', auth);
const put = (url: string, body: unknown, auth = ADMIN) =>
  request(api.app)
    .put(url)
    .set('Authorization', auth)
    .send(body as object);

test('2027 is provisional until loaded; dry-run writes nothing and reports the moves', async () => {
  const before = await get('/api/v1/calendar/2027');
  expect(before.status).toBe(200);
  expect(before.body).toMatchObject({
    status: 'provisional',
    origin: 'fallback',
    currentVersion: null,
    versions: [],
  });
  const d = await get('/api/v1/calendar/deadline?from=2027-02-01&workingDays=5');
  expect(d.body).toMatchObject({ deadline: '2027-02-12', provisional: true });

  const audits = await api.tdb.db.auditLog.count();
  const dry = await put('/api/v1/calendar/2027?dryRun=true', fixture2027());
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ dryRun: true, version: 1, previousVersion: null, signalled: [] });
  expect(dry.body.effect.checked).toBe(2);
  expect(dry.body.effect.affected).toEqual([
    {
      caseId: 'T-FLAG-ONLY',
      oldDeadline: '2027-01-05',
      newDeadline: '2027-01-05',
      shiftDays: 0,
      oldProvisional: true,
      newProvisional: false,
    },
    {
      caseId: 'T-MOVES',
      oldDeadline: '2027-02-12',
      newDeadline: '2027-02-16',
      shiftDays: 4,
      oldProvisional: true,
      newProvisional: false,
    },
  ]);
  expect(await api.tdb.db.calendarYear.count()).toBe(0);
  expect(await api.tdb.db.auditLog.count()).toBe(audits);
  expect((await get('/api/v1/calendar/2027')).body.status).toBe('provisional');

  // the CLI's dry run reports the same and writes nothing either
  const c = await cli(['calendar', 'load', '--year', '2027', '--file', FIXTURE_FILE, '--dry-run'], {
    DATABASE_URL: api.tdb.url,
  });
  expect(c.code).toBe(0);
  expect(JSON.parse(c.stdout).effect.affected).toEqual(dry.body.effect.affected);
  expect(await api.tdb.db.calendarYear.count()).toBe(0);
});

test('load v1, then v2 supersedes it; v1 stays readable; audit written', async () => {
  const v1 = await put('/api/v1/calendar/2027', fixture2027());
  expect(v1.status).toBe(201);
  expect(v1.body).toMatchObject({
    dryRun: false,
    version: 1,
    previousVersion: null,
    sourceNumber: '测试发明电〔2026〕99号',
  });
  // no workflows behind the inserted rows: signals find nothing and are ignored
  expect(v1.body.signalNotFound).toEqual(['T-FLAG-ONLY', 'T-MOVES']);
  const y1 = await get('/api/v1/calendar/2027');
  expect(y1.body).toMatchObject({ status: 'official', origin: 'loaded', currentVersion: 1 });
  expect(y1.body.source.number).toBe('测试发明电〔2026〕99号');
  expect(y1.body.days).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ date: '2027-01-31', reason: 'makeup_workday', working: true }),
      expect.objectContaining({ date: '2027-02-11', reason: 'holiday', holidayName: '春节' }),
    ]),
  );
  const after = await get('/api/v1/calendar/deadline?from=2027-02-01&workingDays=5');
  expect(after.body).toMatchObject({ deadline: '2027-02-16', provisional: false });

  const second = fixture2027();
  second.source = { ...second.source, number: '测试发明电〔2026〕100号', date: '2026-11-20' };
  second.holidays.push({
    name: '清明节',
    restDays: ['2027-04-03', '2027-04-04', '2027-04-05'],
    workDays: [],
  });
  const v2 = await put('/api/v1/calendar/2027', second);
  expect(v2.status).toBe(201);
  expect(v2.body).toMatchObject({ version: 2, previousVersion: 1 });
  const y2 = await get('/api/v1/calendar/2027');
  expect(y2.body.currentVersion).toBe(2);
  expect(y2.body.versions).toEqual([
    expect.objectContaining({ version: 1, current: false, supersededAt: expect.any(String) }),
    expect.objectContaining({ version: 2, current: true, supersededAt: null }),
  ]);
  const r1 = await get('/api/v1/calendar/2027/versions/1');
  expect(r1.status).toBe(200);
  expect(r1.body).toMatchObject({ version: 1, current: false, arrangement: fixture2027() });
  expect((await get('/api/v1/calendar/2027/versions/2')).body.sourceNumber).toBe('测试发明电〔2026〕100号');
  expect((await get('/api/v1/calendar/2027/versions/3')).status).toBe(404);
  expect((await get('/api/v1/calendar/2027')).body.days).toEqual(
    expect.arrayContaining([expect.objectContaining({ date: '2027-04-05', holidayName: '清明节' })]),
  );
  const audit = await api.tdb.db.auditLog.findMany({ where: { action: 'calendar_year_loaded' } });
  expect(audit.map((a) => (a.data as { version: number }).version)).toEqual([1, 2]);
});

test('validation: 400 problem+json with codes, never 500', async () => {
  const bad = fixture2027();
  bad.holidays[1].workDays = ['2027-02-18']; // a Thursday: make-up days must be weekend days
  const r = await put('/api/v1/calendar/2027', bad);
  expect(r.status).toBe(400);
  expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(r.body.code).toBe('invalid_arrangement');
  expect(r.body.detail).toMatch(/周六或周日/);
  expect(r.body.errors).toEqual([
    expect.objectContaining({ field: 'holidays.1.workDays.0', code: 'workday_not_weekend' }),
  ]);

  const mismatch = await put('/api/v1/calendar/2028', fixture2027());
  expect(mismatch.status).toBe(400);
  expect(mismatch.body.errors).toEqual(
    expect.arrayContaining([expect.objectContaining({ code: 'year_mismatch' })]),
  );

  const missing = await put('/api/v1/calendar/2027', { year: 2027 });
  expect(missing.status).toBe(400);
  expect(missing.body.detail).toMatch(/必填/);

  const notJson = await request(api.app)
    .put('/api/v1/calendar/2027')
    .set('Authorization', ADMIN)
    .set('Content-Type', 'application/json')
    .send('{not json');
  expect(notJson.status).toBe(400);
  expect((await put('/api/v1/calendar/2027', [1, 2])).status).toBe(400);
  expect((await put('/api/v1/calendar/2027?dryRun=maybe', fixture2027())).status).toBe(400);

  const cases: [string, string][] = [
    ['/api/v1/calendar/deadline?from=2026-02-30&workingDays=5', 'invalid_date'],
    ['/api/v1/calendar/deadline?from=2026-02-13&workingDays=0', 'invalid_working_days'],
    ['/api/v1/calendar/deadline?from=2026-02-13&workingDays=abc', 'invalid_working_days'],
    ['/api/v1/calendar/deadline?from=2026-02-13&workingDays=5&profile=nope', 'unknown_profile'],
    ['/api/v1/calendar/deadline?workingDays=5', 'validation_failed'],
    ['/api/v1/calendar/deadline?from=a&from=b&workingDays=5', 'validation_failed'],
    ['/api/v1/calendar/deadline?from=2026-02-13&workingDays=5&explain=yes', 'validation_failed'],
    ['/api/v1/calendar/working-days?from=2026-01-01', 'validation_failed'],
    ['/api/v1/calendar/working-days?from=2026-01-01&to=1900-01-01', 'date_out_of_range'],
    ['/api/v1/calendar/abcd', 'validation_failed'],
    ['/api/v1/calendar/1999', 'invalid_year'],
    ['/api/v1/calendar/2027/versions/x', 'validation_failed'],
  ];
  for (const [url, code] of cases) {
    const res = await get(url);
    expect({ url, status: res.status }).toEqual({ url, status: 400 });
    if (code !== 'date_out_of_range') expect({ url, code: res.body.code }).toEqual({ url, code });
    expect(res.body.detail).toMatch(/[\u4e00-\u9fff]/);
  }

  // the CLI: exit 2 and one Chinese line
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cal-')), 'bad.json');
  fs.writeFileSync(file, JSON.stringify(bad));
  const c = await cli(['calendar', 'load', '--year', '2027', '--file', file], { DATABASE_URL: api.tdb.url });
  expect(c.code).toBe(2);
  expect(c.stderr).toMatch(/错误 \[invalid_arrangement\]：.*周六或周日/);
  const noDb = await cli(['calendar', 'load', '--year', '2027', '--file', FIXTURE_FILE], {
    DATABASE_URL: '',
  });
  expect(noDb.code).toBe(2);
  expect(noDb.stderr).toMatch(/DATABASE_URL/);
});

test('department key: reads allowed, PUT and DELETE 403', async () => {
  expect((await get('/api/v1/calendar/2027', DEPARTMENT)).status).toBe(200);
  const r = await put('/api/v1/calendar/2027', fixture2027(), DEPARTMENT);
  expect(r.status).toBe(403);
  expect(r.body.code).toBe('forbidden');
  const d = await request(api.app).delete('/api/v1/calendar/2027').set('Authorization', DEPARTMENT);
  expect(d.status).toBe(403);
  expect(await api.tdb.db.calendarYear.count({ where: { year: 2027 } })).toBe(2);
});

test('delete is refused while an open case depends on the year, then withdraws the year', async () => {
  const refused = await request(api.app).delete('/api/v1/calendar/2027').set('Authorization', ADMIN);
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({ code: 'calendar_year_in_use', caseIds: ['T-FLAG-ONLY', 'T-MOVES'] });
  expect((await get('/api/v1/calendar/2027')).body.currentVersion).toBe(2);

  await api.tdb.db.case.updateMany({
    where: { id: { in: ['T-FLAG-ONLY', 'T-MOVES'] } },
    data: { status: 'CLOSED' },
  });
  const ok = await request(api.app).delete('/api/v1/calendar/2027').set('Authorization', ADMIN);
  expect(ok.status).toBe(200);
  expect(ok.body).toEqual({ year: 2027, supersededVersion: 2 });
  const y = await get('/api/v1/calendar/2027');
  expect(y.body).toMatchObject({ status: 'provisional', origin: 'fallback', currentVersion: null });
  expect(y.body.versions).toHaveLength(2);
  expect((await get('/api/v1/calendar/2027/versions/2')).status).toBe(200);
  expect((await get('/api/v1/calendar/deadline?from=2027-02-01&workingDays=5')).body).toMatchObject({
    deadline: '2027-02-12',
    provisional: true,
  });
  const again = await request(api.app).delete('/api/v1/calendar/2027').set('Authorization', ADMIN);
  expect(again.status).toBe(404);
});
