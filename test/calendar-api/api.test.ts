import request from 'supertest';
import { createTestApi, type TestApi } from '../support/api';
import { ADMIN, cli, fixture2027 } from './helpers';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api?.close());

const get = (url: string, auth = ADMIN) => request(api.app).get(url).set('Authorization', auth);

/** from, workingDays, expected deadline (2026 rows from the official notice 国办发明电〔2025〕7号). */
const CASES: [string, number, string | null][] = [
  ['2026-02-13', 1, '2026-02-14'], // Saturday 2026-02-14 is a make-up working day (春节)
  ['2026-02-13', 2, '2026-02-24'], // 2-15..2-23 off
  ['2026-02-12', 5, '2026-02-26'],
  ['2026-02-27', 1, '2026-02-28'], // Saturday 2026-02-28 make-up day
  ['2026-09-30', 1, '2026-10-08'], // 国庆 10-01..10-07
  ['2026-09-26', 3, null],
  ['2026-10-08', 2, null],
  ['2026-09-20', 10, null],
  ['2026-12-31', 1, null],
  ['2026-12-25T18:30:00+08:00', 10, null],
  ['2027-01-28', 5, null],
  ['2027-02-01', 5, null],
];

async function agreement(): Promise<{ from: string; n: number; deadline: string; provisional: boolean }[]> {
  const out: { from: string; n: number; deadline: string; provisional: boolean }[] = [];
  // three CLI processes at a time: twelve at once (each a TypeScript start-up) overran their 60 s on two busy
  // cores while another test file ran beside this one
  const compare = async ([from, n]: (typeof CASES)[number]) => {
    const fromApi = await get(`/api/v1/calendar/deadline?from=${encodeURIComponent(from)}&workingDays=${n}`);
    expect(fromApi.status).toBe(200);
    const c = await cli(['deadline', '--from', from, '--working-days', String(n)], {
      DATABASE_URL: api.tdb.url,
    });
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(JSON.parse(c.stdout)).toEqual(fromApi.body);
    out.push({ from, n, deadline: fromApi.body.deadline, provisional: fromApi.body.provisional });
  };
  for (let i = 0; i < CASES.length; i += 3) await Promise.all(CASES.slice(i, i + 3).map(compare));
  return out;
}

test('API and CLI (DB calendar) agree, across 2026 make-up days, before and after 2027 is loaded', async () => {
  const before = await agreement();
  for (const [from, n, expected] of CASES) {
    const row = before.find((r) => r.from === from && r.n === n);
    if (expected) expect(row?.deadline).toBe(expected);
  }
  // make-up working days count in both the 春节 and the 国庆 blocks of 2026
  const sat = await get('/api/v1/calendar/deadline?from=2026-02-13&workingDays=1&explain=true');
  expect(sat.body.explanation.find((e: { date: string }) => e.date === '2026-02-14')).toMatchObject({
    counted: true,
    reason: 'makeup_workday',
  });
  const oct = await get('/api/v1/calendar/2026');
  const makeups = oct.body.days.filter((d: { reason: string }) => d.reason === 'makeup_workday');
  expect(makeups.map((d: { date: string }) => d.date)).toEqual(
    expect.arrayContaining(['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10']),
  );
  expect(before.find((r) => r.from === '2027-02-01')?.provisional).toBe(true);

  const put = await request(api.app)
    .put('/api/v1/calendar/2027')
    .set('Authorization', ADMIN)
    .send(fixture2027());
  expect(put.status).toBe(201);
  const after = await agreement();
  expect(after.find((r) => r.from === '2027-02-01')).toMatchObject({
    deadline: '2027-02-16',
    provisional: false,
  });
  const between = await get('/api/v1/calendar/working-days?from=2027-02-01&to=2027-02-28');
  const c = await cli(['between', '--from', '2027-02-01', '--to', '2027-02-28'], {
    DATABASE_URL: api.tdb.url,
  });
  expect(JSON.parse(c.stdout)).toEqual(between.body);
  expect(between.body).toMatchObject({ provisional: false, workingDays: 14 });
}, 300_000);
