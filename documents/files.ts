/** How a generated document travels: its media type and a download name for any browser. */

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** RFC 6266 with RFC 8187 `filename*`: the Chinese name for browsers, an ASCII name for old clients. */
export function contentDisposition(filename: string, asciiFallback: string): string {
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

/** A written notice's download name: `书面通报 内共享督〔2026〕3号` (ASCII: `notice-ZG-2026-000003`). */
export const noticeFileName = (n: { number: string; caseId: string }) => ({
  chinese: `书面通报 ${n.number}`,
  ascii: `notice-${n.caseId}`,
});
