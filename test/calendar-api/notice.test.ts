/**
 * POST /calendar/{year}/notice: the notice text through the API, dry run first, then loaded exactly as the
 * JSON path loads it. The 2027 text here is MADE UP for the test (same days as fixtures/2027-test-fixture.json).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestApi, type TestApi } from '../support/api';
import { noticeFixture } from '../calendar/notice-fixtures';
import { ADMIN, DEPARTMENT, cli, fixture2027, insertOpenCase } from './helpers';
import { TEST_NOTICE_2027 } from './notice-text';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
  await insertOpenCase(api.tdb.db, {
    id: 'N-MOVES',
    receivedAt: '2027-02-01T10:00:00+08:00',
    workingDays: 5,
    deadlineDate: '2027-02-12',
    dueAt: '2027-02-13T00:00:00+08:00',
  });
});
afterAll(() => api?.close());

const post = (url: string, body: unknown, auth = ADMIN) =>
  request(api.app)
    .post(url)
    .set('Authorization', auth)
    .send(body as object);

test('dry run: sentences, day changes and moved cases; nothing written', async () => {
  const body = { text: TEST_NOTICE_2027, number: '测试发明电〔2026〕99号' };
  const dry = await post('/api/v1/calendar/2027/notice?dryRun=true', body);
  expect(dry.status).toBe(200);
  expect(dry.body).toMatchObject({ dryRun: true, version: 1, previousVersion: null });
  expect(dry.body.notice).toMatchObject({ kind: 'notice', currentOrigin: 'none' });
  expect(dry.body.notice.items[1].sentences).toEqual([
    { text: '2月5日（周五）至13日（周六）放假调休，共9天', effect: 'rest' },
    { text: '1月31日（周日）、2月20日（周六）上班', effect: 'work' },
  ]);
  // against the calendar in force (2027 not loaded: the provisional fallback), in runs of like days
  expect(dry.body.notice.changes).toContainEqual({
    from: '2027-01-31',
    to: '2027-01-31',
    days: 1,
    before: '周日（休息）',
    after: '调休上班（春节）',
    workingDelta: 1,
  });
  expect(dry.body.notice.changes).toContainEqual({
    from: '2027-02-11',
    to: '2027-02-13',
    days: 3,
    before: '工作日 2 天、周末 1 天',
    after: '放假（春节）',
    workingDelta: -2,
  });
  expect(dry.body.effect.affected).toEqual([
    expect.objectContaining({
      caseId: 'N-MOVES',
      oldDeadline: '2027-02-12',
      newDeadline: '2027-02-16',
      shiftDays: 4,
    }),
  ]);
  expect(await api.tdb.db.calendarYear.count({ where: { year: 2027 } })).toBe(0);

  // the same request loads it, versioned like PUT /calendar/2027
  const res = await post('/api/v1/calendar/2027/notice', body);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ dryRun: false, version: 1, sourceNumber: '测试发明电〔2026〕99号' });
  const row = await api.tdb.db.calendarYear.findFirstOrThrow({ where: { year: 2027, supersededAt: null } });
  expect((row.arrangement as { holidays: unknown }).holidays).toEqual(fixture2027().holidays);
  const year = await request(api.app).get('/api/v1/calendar/2027').set('Authorization', ADMIN);
  expect(year.body).toMatchObject({ status: 'official', origin: 'loaded', currentVersion: 1 });
});

test('a notice that contradicts itself is refused, quoting the sentence', async () => {
  const res = await post('/api/v1/calendar/2027/notice?dryRun=true', {
    text: TEST_NOTICE_2027.replace('共9天', '共8天').replace('2月20日（周六）', '2月23日（周二）'),
    number: '测试发明电〔2026〕99号',
  });
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/problem\+json/);
  expect(res.body.code).toBe('invalid_notice');
  expect(res.body.errors.map((e: { code: string }) => e.code)).toEqual([
    'day_count_mismatch',
    'workday_not_weekend',
  ]);
  expect(res.body.detail).toContain('“2月5日（周五）至13日（周六）放假调休，共8天”');
  const missing = await post('/api/v1/calendar/2027/notice?dryRun=true', { text: TEST_NOTICE_2027 });
  expect(missing.status).toBe(400);
  expect(missing.body.errors).toEqual([expect.objectContaining({ code: 'notice_number_missing' })]);
});

test('an amendment applies on top of the year in force (2019, bundled): no day changes', async () => {
  const res = await post('/api/v1/calendar/2019/notice?dryRun=true', {
    text: noticeFixture('2019-amendment'),
  });
  expect(res.status).toBe(200);
  expect(res.body.notice).toMatchObject({ kind: 'amendment', currentOrigin: 'bundled', changes: [] });
  expect(res.body.notice.source.number).toBe('国办发明电〔2019〕3号');
});

test('only administrators', async () => {
  const res = await post('/api/v1/calendar/2027/notice?dryRun=true', { text: TEST_NOTICE_2027 }, DEPARTMENT);
  expect(res.status).toBe(403);
});

test('CLI: the dry run is printed first; --apply loads; a contradiction exits 2 naming the sentence', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notice-cli-'));
  const file = path.join(dir, 'notice.txt');
  fs.writeFileSync(file, noticeFixture('2019-amendment'));
  const env = { DATABASE_URL: api.tdb.url, TEMPORAL_ADDRESS: undefined };
  const dry = await cli(['calendar', 'notice', '--year', '2019', '--file', file], env);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain(
    '调整通知：国务院办公厅关于调整2019年劳动节假期安排的通知（国办发明电〔2019〕3号，2019年3月22日）',
  );
  expect(dry.stdout).toContain('原文：2019年5月1日至4日放假调休，共4天  [放假]');
  expect(dry.stdout).toContain('放假：2019年5月1日—5月4日（4天）');
  expect(dry.stdout).toContain('调休上班：2019年4月28日（周日）、2019年5月5日（周日）');
  expect(dry.stdout).toContain('没有任何日期变化');
  expect(dry.stdout).toContain('与现行安排相比（现行为系统内置的官方安排）');
  expect(dry.stdout).toContain('这是预演');
  expect(await api.tdb.db.calendarYear.count({ where: { year: 2019 } })).toBe(0);

  const applied = await cli(
    ['calendar', 'notice', '--year', '2019', '--file', file, '--apply', '--by', '测试'],
    env,
  );
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain('2019 年：预演，未保存；确认后保存为第 1 版');
  expect(applied.stdout).toContain('已保存：2019 年第 1 版。');
  const row = await api.tdb.db.calendarYear.findFirstOrThrow({ where: { year: 2019 } });
  expect(row).toMatchObject({ version: 1, loadedBy: 'cli:测试', sourceNumber: '国办发明电〔2018〕15号' });

  fs.writeFileSync(file, TEST_NOTICE_2027.replace('共3天', '共4天'));
  const bad = await cli(
    ['calendar', 'notice', '--year', '2027', '--file', file, '--number', '测试发明电〔2026〕99号'],
    env,
  );
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('[invalid_notice]');
  expect(bad.stderr).toContain('“1月1日（周五）至3日（周日）放假，共4天”写明共4天，按日期推得3天');
  fs.rmSync(dir, { recursive: true, force: true });
});
