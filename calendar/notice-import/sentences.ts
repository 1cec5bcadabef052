/**
 * One sentence of an item → what it states: days off (a date or range with 放假, possibly 共N天, 与周末连休,
 * 补休), make-up working days (…上班), an extension (延长…假期至…, …起正常上班), advice without effect (鼓励…),
 * or nothing dated. Anything else with a date in it is an error: the importer never guesses.
 */
import { isWeekend, weekday, WEEKDAY_ZH } from '../dates';
import {
  chineseMonthDay,
  dateTokens,
  isoRange,
  resolveDate,
  weekdayMismatch,
  yearMonthOf,
  type DateToken,
  type ResolvedDate,
} from './dates';
import { displayText } from './normalize';

export interface SentenceProblem {
  code: string;
  message: string;
}

export type Statement =
  | { kind: 'rest'; restDays: string[]; derivation: string[] }
  | { kind: 'work'; workDays: string[] }
  | { kind: 'extend'; holiday: string; until: ResolvedDate; resume?: ResolvedDate }
  | { kind: 'advice' }
  | { kind: 'text' };

export interface SentenceContext {
  year: number;
  /** The item's holiday name, if it has one; a 元旦 item places December dates in the previous year. */
  name?: string;
}

type Out = { ok: true; statement: Statement } | { ok: false; problems: SentenceProblem[] };

const q = (s: string) => `“${displayText(s)}”`;

function resolveAll(
  tokens: DateToken[],
  sentence: string,
  ctx: SentenceContext,
  problems: SentenceProblem[],
) {
  const newYearBlock = ctx.name?.includes('元旦') === true;
  const out: ResolvedDate[] = [];
  let prev: ResolvedDate | undefined;
  for (const t of tokens) {
    // a token right after 至 is a range end: it takes the start's year and month
    const isEnd = prev !== undefined && sentence.slice(0, t.index).endsWith('至');
    const r = resolveDate(t, {
      year: ctx.year,
      newYearBlock,
      after: isEnd && prev ? yearMonthOf(prev) : undefined,
    });
    if (!r.ok) {
      problems.push({ code: 'invalid_date', message: `${q(sentence)}中${r.message}` });
      continue;
    }
    const wrong = weekdayMismatch(t, r.date);
    if (wrong) problems.push({ code: 'weekday_mismatch', message: `${q(sentence)}中${wrong}` });
    out.push(r.date);
    prev = r.date;
  }
  return out;
}

function restStatement(sentence: string, tokens: DateToken[], dates: ResolvedDate[]): Out {
  const problems: SentenceProblem[] = [];
  const restAt = sentence.indexOf('放假');
  const before = tokens.filter((t) => t.index < restAt);
  const compensatory = tokens.filter((t) => sentence.slice(t.end).startsWith('补休'));
  const accounted = new Set([...before, ...compensatory]);
  const stray = tokens.filter((t) => !accounted.has(t));
  if (stray.length > 0 || before.length === 0 || before.length > 2 || sentence.includes('上班')) {
    return {
      ok: false,
      problems: [{ code: 'unrecognized_sentence', message: `无法识别放假日期：${q(sentence)}` }],
    };
  }
  if (before.length === 2 && !sentence.slice(before[0].end, before[1].index).endsWith('至')) {
    return {
      ok: false,
      problems: [{ code: 'unrecognized_sentence', message: `两个日期之间应为“至”：${q(sentence)}` }],
    };
  }
  const dateOf = (t: DateToken) => dates[tokens.indexOf(t)];
  const start = dateOf(before[0]).day;
  const end = dateOf(before[before.length - 1]).day;
  if (end < start)
    return {
      ok: false,
      problems: [{ code: 'range_reversed', message: `放假区间的结束日早于开始日：${q(sentence)}` }],
    };
  let from = start;
  let to = end;
  const derivation: string[] = [];
  for (const t of compensatory) {
    const d = dateOf(t);
    if (isWeekend(d.day))
      problems.push({
        code: 'compensatory_on_weekend',
        message: `补休日${chineseMonthDay(d)}是${WEEKDAY_ZH[weekday(d.day)]}：${q(sentence)}`,
      });
    // the days between the holiday and its 补休 must be a weekend, else the text means something else
    const lo = Math.min(from, d.day);
    const hi = Math.max(to, d.day);
    for (let x = lo; x <= hi; x++) {
      if ((x < from || x > to) && x !== d.day && !isWeekend(x))
        problems.push({
          code: 'compensatory_gap',
          message: `补休日${chineseMonthDay(d)}与假日之间有工作日：${q(sentence)}`,
        });
    }
    from = lo;
    to = hi;
    derivation.push(`补休：${chineseMonthDay(d)}（${WEEKDAY_ZH[weekday(d.day)]}）计入放假`);
  }
  if (sentence.includes('连休')) {
    if (!sentence.includes('与周末连休'))
      return {
        ok: false,
        problems: [
          {
            code: 'unrecognized_sentence',
            message: `无法识别的连休表述（应为“与周末连休”）：${q(sentence)}`,
          },
        ],
      };
    const added: number[] = [];
    while (isWeekend(from - 1)) added.push(--from);
    while (isWeekend(to + 1)) added.push(++to);
    if (added.length === 0)
      problems.push({
        code: 'no_adjacent_weekend',
        message: `“与周末连休”但放假日前后没有周末：${q(sentence)}`,
      });
    else
      derivation.push(
        `与周末连休：补入${added
          .sort((a, b) => a - b)
          .map((x) => {
            const iso = isoRange(x, x)[0];
            return `${chineseMonthDay({ day: x, iso })}（${WEEKDAY_ZH[weekday(x)]}）`;
          })
          .join('、')}`,
      );
  }
  const count = /共(\d+)天/.exec(sentence) ?? /放假(\d+)天/.exec(sentence);
  const derived = to - from + 1;
  if (count && Number(count[1]) !== derived) {
    problems.push({
      code: 'day_count_mismatch',
      message: `${q(sentence)}写明共${count[1]}天，按日期推得${derived}天（${chineseMonthDay({ day: from, iso: isoRange(from, from)[0] })}至${chineseMonthDay({ day: to, iso: isoRange(to, to)[0] })}）`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, statement: { kind: 'rest', restDays: isoRange(from, to), derivation } };
}

export function readSentence(sentence: string, ctx: SentenceContext): Out {
  const tokens = dateTokens(sentence);
  const problems: SentenceProblem[] = [];
  const ext = /^延长(?:(?:19|20)\d{2}年)?(.+?)假期至/.exec(sentence);
  if (tokens.length === 0) return { ok: true, statement: { kind: 'text' } };
  const dates = resolveAll(tokens, sentence, ctx, problems);
  if (problems.length > 0 || dates.length !== tokens.length) return { ok: false, problems };

  if (ext) {
    const untilTok = tokens.find((t) => t.index === ext[0].length);
    const resumeTok = tokens.find((t) => sentence.slice(t.end).startsWith('起正常上班'));
    if (!untilTok || tokens.length > 2 || (tokens.length === 2 && !resumeTok))
      return {
        ok: false,
        problems: [{ code: 'unrecognized_sentence', message: `无法识别延长假期的表述：${q(sentence)}` }],
      };
    const until = dates[tokens.indexOf(untilTok)];
    const resume = resumeTok ? dates[tokens.indexOf(resumeTok)] : undefined;
    if (resume && resume.day !== until.day + 1)
      return {
        ok: false,
        problems: [
          {
            code: 'resume_mismatch',
            message: `假期延长至${chineseMonthDay(until)}，但恢复上班日不是次日：${q(sentence)}`,
          },
        ],
      };
    return { ok: true, statement: { kind: 'extend', holiday: ext[1], until, resume } };
  }
  if (sentence.includes('放假')) return restStatement(sentence, tokens, dates);
  if (sentence.endsWith('上班') && !sentence.includes('起正常上班')) {
    for (const d of dates) {
      if (!isWeekend(d.day))
        problems.push({
          code: 'workday_not_weekend',
          message: `调休上班日${chineseMonthDay(d)}是${WEEKDAY_ZH[weekday(d.day)]}，调休上班日必须是周六或周日：${q(sentence)}`,
        });
    }
    if (problems.length > 0) return { ok: false, problems };
    return { ok: true, statement: { kind: 'work', workDays: dates.map((d) => d.iso) } };
  }
  if (sentence.includes('鼓励')) return { ok: true, statement: { kind: 'advice' } };
  return {
    ok: false,
    problems: [{ code: 'unrecognized_sentence', message: `无法识别含日期的句子：${q(sentence)}` }],
  };
}
