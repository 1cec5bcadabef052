import fs from 'node:fs';
import path from 'node:path';
import { validateArrangement, type FieldError } from '../../calendar/arrangement';
import { loadOfficialArrangements, OFFICIAL_DATA_DIR } from '../../calendar/bundled';

const valid = () => ({
  year: 2026,
  source: {
    title: '国务院办公厅关于2026年部分节假日安排的通知',
    number: '国办发明电〔2025〕7号',
    date: '2025-11-04',
  },
  holidays: [
    { name: '春节', restDays: ['2026-02-15', '2026-02-16', '2026-02-17'], workDays: ['2026-02-14'] },
    { name: '国庆节', restDays: ['2026-10-01', '2026-10-02'], workDays: [] },
  ],
});

function errorsOf(input: unknown, year = 2026): FieldError[] {
  const r = validateArrangement(input, year);
  if (r.ok) throw new Error('expected validation errors');
  for (const e of r.errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);
  return r.errors;
}
const codes = (input: unknown, year = 2026) => errorsOf(input, year).map((e) => e.code);

describe('validateArrangement', () => {
  test('accepts a valid arrangement and defaults workDays', () => {
    const input = valid();
    delete (input.holidays[1] as { workDays?: string[] }).workDays;
    const r = validateArrangement(input, 2026);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.holidays[1].workDays).toEqual([]);
  });

  test('every bundled year file is valid and named after its year', () => {
    const files = fs.readdirSync(OFFICIAL_DATA_DIR).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(
      ['2018', '2019', '2020', '2021', '2022', '2023', '2024', '2025', '2026'].map((y) => `${y}.json`),
    );
    for (const f of files) {
      const r = validateArrangement(
        JSON.parse(fs.readFileSync(path.join(OFFICIAL_DATA_DIR, f), 'utf8')),
        Number(f.slice(0, 4)),
      );
      expect(r).toMatchObject({ ok: true });
    }
    expect(loadOfficialArrangements().map((a) => a.source.number)).toContain('国办发明电〔2025〕7号');
  });

  test('source title, number and date are required', () => {
    const i = valid() as Record<string, unknown>;
    i.source = { title: '', number: '12号', date: '2025-13-01' };
    const errs = errorsOf(i);
    expect(errs.map((e) => e.path)).toEqual(expect.arrayContaining(['source.title', 'source.number']));
    const j = valid() as Record<string, unknown>;
    delete j.source;
    expect(errorsOf(j)).toEqual([expect.objectContaining({ path: 'source', code: 'required' })]);
    const k = valid();
    k.source.date = '2025-02-30';
    expect(errorsOf(k)).toEqual([expect.objectContaining({ path: 'source.date', code: 'invalid_date' })]);
  });

  test('dates must be real and inside the year (元旦 may start in the previous December)', () => {
    const i = valid();
    i.holidays[0].restDays = ['2026-02-30'];
    expect(codes(i)).toContain('invalid_date');
    const j = valid();
    j.holidays[1].restDays = ['2027-01-01'];
    expect(errorsOf(j)).toEqual([
      expect.objectContaining({ path: 'holidays.1.restDays.0', code: 'date_outside_year' }),
    ]);
    const k = valid();
    k.holidays[1].restDays = ['2025-11-30', '2025-12-01'];
    expect(codes(k)).toContain('date_outside_year');
    const ok = valid();
    ok.holidays[1] = { name: '元旦', restDays: ['2025-12-31', '2026-01-01'], workDays: [] };
    expect(validateArrangement(ok, 2026).ok).toBe(true);
  });

  test('no date both rest and work, no duplicates', () => {
    const i = valid();
    i.holidays[1].workDays = ['2026-02-15'];
    expect(codes(i)).toContain('rest_and_work');
    const j = valid();
    j.holidays[1].restDays = ['2026-02-17', '2026-02-18'];
    expect(codes(j)).toContain('duplicate_date');
  });

  test('make-up working days must be weekends', () => {
    const i = valid();
    i.holidays[0].workDays = ['2026-02-13'];
    expect(errorsOf(i)).toEqual([
      expect.objectContaining({ path: 'holidays.0.workDays.0', code: 'workday_not_weekend' }),
    ]);
  });

  test('rest days: consecutive, ascending, bounded, at least one weekday', () => {
    const i = valid();
    i.holidays[0].restDays = ['2026-02-15', '2026-02-17'];
    expect(codes(i)).toContain('rest_days_not_consecutive');
    const j = valid();
    j.holidays[0].restDays = ['2026-02-16', '2026-02-15'];
    expect(codes(j)).toContain('rest_days_not_consecutive');
    const k = valid();
    k.holidays[1].restDays = ['2026-10-03', '2026-10-04'];
    expect(codes(k)).toContain('rest_block_no_weekday');
    const l = valid();
    l.holidays[1].restDays = Array.from(
      { length: 20 },
      (_, n) => `2026-10-${String(n + 1).padStart(2, '0')}`,
    );
    expect(codes(l)).toContain('rest_block_too_long');
  });

  test('year mismatch, unknown fields, amendments', () => {
    expect(codes(valid(), 2025)).toEqual(expect.arrayContaining(['year_mismatch']));
    expect(codes({ ...valid(), extra: 1 })).toContain('unrecognized_keys');
    const a = {
      ...valid(),
      amendments: [
        {
          source: {
            title: '国务院办公厅关于调整2026年春节假期安排的通知',
            number: '国办发明电〔2025〕1号',
            date: '2025-01-01',
          },
          holidays: [{ name: '国庆节', restDays: ['2026-10-01'], workDays: ['2026-02-14'] }],
        },
      ],
    };
    // amendment older than the notice, and after replacing 国庆节 2026-02-14 is both rest-block work and 春节 work (duplicate)
    expect(codes(a)).toEqual(expect.arrayContaining(['amendment_before_source', 'duplicate_date']));
  });
});
