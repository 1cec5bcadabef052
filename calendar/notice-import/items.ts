/**
 * The numbered items (一、二、…) of a notice and their sentences. Markers are accepted only in sequence and
 * only where a sentence may begin, so `元旦、春节` or `4月28日（星期日）、5月5日` never start an item.
 */
const NUMERALS = [
  '一',
  '二',
  '三',
  '四',
  '五',
  '六',
  '七',
  '八',
  '九',
  '十',
  '十一',
  '十二',
  '十三',
  '十四',
  '十五',
];

export interface NoticeItem {
  /** 1-based, as numbered in the notice. */
  number: number;
  marker: string;
  /** Normalized text after the marker. */
  text: string;
}

/** Characters after which an item may begin: the end of a sentence, or the 如下 that introduces the list. */
const ITEM_STARTS = new Set(['。', ':', ';', '下', ')']);

export function splitItems(body: string): NoticeItem[] {
  const anchor = body.indexOf('通知如下');
  let from = anchor >= 0 ? anchor : 0;
  const starts: { number: number; at: number; marker: string }[] = [];
  for (let k = 0; k < NUMERALS.length; k++) {
    const marker = `${NUMERALS[k]}、`;
    let at = body.indexOf(marker, from);
    while (at >= 0 && !(at === 0 || ITEM_STARTS.has(body[at - 1]))) at = body.indexOf(marker, at + 1);
    if (at < 0) break;
    starts.push({ number: k + 1, at, marker });
    from = at + marker.length;
  }
  return starts.map((s, i) => ({
    number: s.number,
    marker: s.marker,
    text: body.slice(s.at + s.marker.length, i + 1 < starts.length ? starts[i + 1].at : body.length),
  }));
}

/** Sentences of an item, split at 。 (the notices put each rest or work statement in its own). */
export function splitSentences(text: string): string[] {
  return text
    .split('。')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `元旦:1月1日放假…` → 元旦; an item that starts with a date (amendments) has no name. */
export function itemName(text: string): { name?: string; rest: string } {
  const m = /^([^\d:()]{1,16}):/.exec(text);
  return m ? { name: m[1], rest: text.slice(m[0].length) } : { rest: text };
}
