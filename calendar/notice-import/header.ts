/**
 * What a notice says about itself: its title (hence the year and whether it is the year's notice or a
 * later amendment), its number (文号) and the date under the issuing body's name. Reprints often drop
 * the number (Xinhua's never carry it); then the caller must supply it, nothing is invented.
 */
import { tryParseDate } from '../dates';

export type NoticeKind = 'notice' | 'amendment';

export interface NoticeHeader {
  title?: string;
  kind?: NoticeKind;
  year?: number;
  /** For an amendment: the holiday it changes, from the title (调整2019年劳动节假期安排 → 劳动节). */
  amendedHoliday?: string;
  number?: string;
  date?: string;
  /** Where the signature (国务院办公厅 + date) starts; the items end there. */
  signatureAt?: number;
}

const TITLE_RE = /国务院办公厅关于(.{2,40}?)的通知/;
// 国办发明电〔2024〕12号; reprints also write [2024], (2024) or 【2024】 — normalized to 〔〕.
const NUMBER_RE = /(国办发明电|国办发)[〔[(【]((?:19|20)\d{2})[〕\])】](\d{1,4})号/;
const SIGNATURE_RE = /国务院办公厅((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日/g;

export function readHeader(text: string): NoticeHeader {
  const h: NoticeHeader = {};
  const t = TITLE_RE.exec(text);
  if (t) {
    h.title = `国务院办公厅关于${t[1]}的通知`;
    const subject = t[1];
    const base = /^((?:19|20)\d{2})年部分节假日安排$/.exec(subject);
    const change = /^(?:调整|延长)((?:19|20)\d{2})年(.+?)(?:假期|放假)(?:安排)?$/.exec(subject);
    if (base) {
      h.kind = 'notice';
      h.year = Number(base[1]);
    } else if (change) {
      h.kind = 'amendment';
      h.year = Number(change[1]);
      h.amendedHoliday = change[2];
    }
  }
  const n = NUMBER_RE.exec(text);
  if (n) h.number = `${n[1]}〔${n[2]}〕${n[3]}号`;
  let last: RegExpMatchArray | undefined;
  for (const m of text.matchAll(SIGNATURE_RE)) last = m;
  if (last) {
    const iso = `${last[1]}-${last[2].padStart(2, '0')}-${last[3].padStart(2, '0')}`;
    if (tryParseDate(iso) !== null) h.date = iso;
    h.signatureAt = last.index;
  }
  return h;
}
