/**
 * The notice importer against the real notice texts (test/calendar/notices/, each with its source) and
 * the shipped arrangements in calendar/data/official: every year's text yields exactly the shipped data.
 */
import type { YearArrangement } from '../../calendar/arrangement';
import { loadOfficialArrangements } from '../../calendar/bundled';
import { importNotice, type NoticeImport } from '../../calendar/notice-import';
import { noticeFixture } from './notice-fixtures';

const shipped = new Map(loadOfficialArrangements().map((a) => [a.year, a]));

/** The shipped data's notes are editorial prose; everything that drives the calendar is compared. */
function withoutNotes(a: YearArrangement): unknown {
  const { notes: _n, ...rest } = a;
  return {
    ...rest,
    ...(a.amendments ? { amendments: a.amendments.map(({ note: _x, ...am }) => am) } : {}),
  };
}

function ok(r: NoticeImport) {
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.code}: ${e.message}`).join('\n'));
  return r;
}

/** Numbers missing from the stored reprints (see each fixture's header). */
const SUPPLIED: Record<string, string> = {
  '2020-amendment': '国办发明电〔2020〕1号',
  '2025': '国办发明电〔2024〕12号',
  '2026': '国办发明电〔2025〕7号',
};

/** The published form: full-width punctuation and digits, as on gov.cn. */
function fullWidth(s: string): string {
  return s
    .replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/,/g, '，')
    .replace(/:/g, '：');
}

describe('importNotice: the real notices give exactly the shipped arrangements', () => {
  for (const year of [2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]) {
    test(`${year}`, () => {
      const expected = shipped.get(year) as YearArrangement;
      const text = noticeFixture(String(year));
      const r = ok(importNotice(text, { year, number: SUPPLIED[String(year)] }));
      expect(r.kind).toBe('notice');
      const { amendments: _a, ...base } = expected;
      expect(withoutNotes(r.arrangement)).toEqual(withoutNotes(base as YearArrangement));
      // the same text as published (full-width) reads the same
      const wide = ok(importNotice(fullWidth(text), { year, number: SUPPLIED[String(year)] }));
      expect(wide.arrangement).toEqual(r.arrangement);
    });
  }

  test('2019 with the May Day amendment applied on top', () => {
    const base = ok(importNotice(noticeFixture('2019'), { year: 2019 })).arrangement;
    const r = ok(importNotice(noticeFixture('2019-amendment'), { year: 2019, base }));
    expect(r.kind).toBe('amendment');
    expect(withoutNotes(r.arrangement)).toEqual(withoutNotes(shipped.get(2019) as YearArrangement));
    // the item names no holiday: the title does (调整2019年劳动节假期安排)
    expect(r.items[0]).toMatchObject({ name: '劳动节' });
    // items without dates (二、三、) are kept as text, with no effect
    expect(r.items.slice(1).every((i) => i.block === undefined)).toBe(true);
    // loading it again replaces the amendment, it does not stack
    const again = ok(importNotice(noticeFixture('2019-amendment'), { year: 2019, base: r.arrangement }));
    expect(again.arrangement.amendments).toHaveLength(1);
  });

  test('2020 with the Spring Festival extension applied on top', () => {
    const base = ok(importNotice(noticeFixture('2020'), { year: 2020 })).arrangement;
    const missing = importNotice(noticeFixture('2020-amendment'), { year: 2020, base });
    expect(missing).toMatchObject({
      ok: false,
      errors: [expect.objectContaining({ code: 'notice_number_missing' })],
    });
    const r = ok(
      importNotice(noticeFixture('2020-amendment'), { year: 2020, base, number: SUPPLIED['2020-amendment'] }),
    );
    expect(withoutNotes(r.arrangement)).toEqual(withoutNotes(shipped.get(2020) as YearArrangement));
    expect(r.items[0].derivation.join('\n')).toContain('原定 2020-02-01 调休上班取消');
  });

  test('the source comes from the text: title, 文号, signature date', () => {
    const r = ok(importNotice(noticeFixture('2024'), { year: 2024 }));
    expect(r.source).toEqual({
      title: '国务院办公厅关于2024年部分节假日安排的通知',
      number: '国办发明电〔2023〕7号',
      date: '2023-10-25',
    });
    // the 除夕 advice is shown, not loaded
    expect(r.items[1].sentences.map((s) => s.effect)).toEqual(['rest', 'work', 'advice']);
    expect(r.arrangement.holidays[1].restDays).not.toContain('2024-02-09');
    expect(r.arrangement.notes).toContain('除夕（2月9日）');
  });
});

describe('importNotice refuses what does not add up, naming the sentence', () => {
  const base2026 = () => noticeFixture('2026');
  const run = (text: string) => importNotice(text, { year: 2026, number: SUPPLIED['2026'] });
  const errorsOf = (r: NoticeImport) => {
    if (r.ok) throw new Error('expected a refusal');
    return r.errors;
  };

  test('a wrong 共N天', () => {
    const errs = errorsOf(run(base2026().replace('放假调休,共9天', '放假调休,共8天')));
    expect(errs).toEqual([
      expect.objectContaining({
        code: 'day_count_mismatch',
        item: 2,
        message: expect.stringContaining(
          '“2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共8天”写明共8天，按日期推得9天',
        ),
      }),
    ]);
  });

  test('a weekday that does not match the date', () => {
    const errs = errorsOf(run(base2026().replace('5月9日(周六)上班', '5月9日(周日)上班')));
    expect(errs).toEqual([
      expect.objectContaining({
        code: 'weekday_mismatch',
        message: expect.stringContaining('“5月9日（周日）上班”中2026年5月9日标注为周日，实为周六'),
      }),
    ]);
  });

  test('a make-up working day on a Tuesday', () => {
    const errs = errorsOf(run(base2026().replace('5月9日(周六)上班', '5月12日上班')));
    expect(errs).toEqual([
      expect.objectContaining({
        code: 'workday_not_weekend',
        message: expect.stringContaining(
          '调休上班日2026年5月12日是周二，调休上班日必须是周六或周日：“5月12日上班”',
        ),
      }),
    ]);
  });

  test('与周末连休 on a day with no weekend next to it, an unknown 连休 wording, an unreadable dated sentence', () => {
    expect(
      errorsOf(
        run(
          base2026().replace(
            '六、中秋节:9月25日(周五)至27日(周日)放假,共3天',
            '六、中秋节:9月23日放假,与周末连休',
          ),
        ),
      ),
    ).toEqual([
      expect.objectContaining({
        code: 'no_adjacent_weekend',
        message: expect.stringContaining('“9月23日放假，与周末连休”'),
      }),
    ]);
    expect(
      errorsOf(
        run(
          base2026().replace(
            '六、中秋节:9月25日(周五)至27日(周日)放假,共3天',
            '六、中秋节:9月25日放假,与周六连休',
          ),
        ),
      ),
    ).toEqual([expect.objectContaining({ code: 'unrecognized_sentence' })]);
    expect(errorsOf(run(base2026().replace('5月9日(周六)上班', '5月9日(周六)值班')))).toEqual([
      expect.objectContaining({
        code: 'unrecognized_sentence',
        message: expect.stringContaining('“5月9日（周六）值班”'),
      }),
    ]);
  });

  test('the wrong year, a missing title, a 文号 contradicting the text', () => {
    expect(errorsOf(importNotice(base2026(), { year: 2027 }))).toEqual([
      expect.objectContaining({ code: 'notice_year_mismatch' }),
    ]);
    expect(errorsOf(importNotice('一、元旦:1月1日放假。', { year: 2027 }))).toEqual([
      expect.objectContaining({ code: 'notice_title_missing' }),
    ]);
    expect(
      errorsOf(importNotice(noticeFixture('2024'), { year: 2024, number: '国办发明电〔2023〕8号' })),
    ).toEqual([expect.objectContaining({ code: 'notice_number_conflict' })]);
    expect(errorsOf(importNotice(noticeFixture('2019-amendment'), { year: 2019 }))).toEqual([
      expect.objectContaining({ code: 'amendment_without_base' }),
    ]);
  });
});

describe('importNotice: wordings of earlier years and copy-paste damage', () => {
  const head =
    '国务院办公厅关于2027年部分节假日安排的通知\n国办发明电〔2026〕9号\n经国务院批准,现将…通知如下。\n';
  const tail = '\n国务院办公厅\n2026年11月3日';
  const run = (items: string) => importNotice(head + items + tail, { year: 2027 });

  test('补休 (2015-style): the holiday, the weekend between and the 补休 day', () => {
    // 2027-04-05 is a Monday; a synthetic Sunday holiday with its Monday 补休
    const r = ok(run('一、清明节:4月4日放假,4月5日(星期一)补休。'));
    expect(r.arrangement.holidays[0].restDays).toEqual(['2027-04-04', '2027-04-05']);
    expect(r.items[0].derivation[0]).toContain('补休');
  });

  test('a range across the year boundary without years, stray spaces and line breaks inside sentences', () => {
    const r = ok(
      run(
        '一、元 旦:12月31日(星期 四)至\n1月2日 放假调休, 共3天。\n二、春节:2月6日至12日放假调休,共7天。2月\n20日(星期六)上班。',
      ),
    );
    expect(r.arrangement.holidays[0]).toEqual({
      name: '元旦',
      restDays: ['2026-12-31', '2027-01-01', '2027-01-02'],
      workDays: [],
    });
    expect(r.arrangement.holidays[1].workDays).toEqual(['2027-02-20']);
  });
});
