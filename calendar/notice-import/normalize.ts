/**
 * Text as pasted from gov.cn or a reprint → one canonical string the other steps read. NFKC folds
 * full-width digits and punctuation (２月，（周六）：) to their ASCII forms; every whitespace is dropped,
 * since Chinese needs none and copy-paste scatters spaces and line breaks inside sentences.
 */

/** Zero-width characters and the BOM, which NFKC keeps and copy-paste brings along. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;

export function normalizeNoticeText(text: string): string {
  return (
    text
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(/\s+/g, '')
      // the full stop sometimes arrives as the ideographic one's look-alikes
      .replace(/[｡．]/g, '。')
      // 【】 and the like around dates are rare but seen; parentheses are what the parser reads
      .replace(/[﹙]/g, '(')
      .replace(/[﹚]/g, ')')
  );
}

/** The normalized text written back in the published (full-width) punctuation, for quoting to people. */
export function displayText(normalized: string): string {
  return normalized
    .replace(/\(/g, '（')
    .replace(/\)/g, '）')
    .replace(/,/g, '，')
    .replace(/:/g, '：')
    .replace(/;/g, '；');
}
