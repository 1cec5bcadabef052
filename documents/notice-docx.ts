/**
 * The written notice as a Word document in the usual layout of an official notice (GB/T 9704 in spirit): A4,
 * a red issuing-body banner with the number under it and a red rule, a centred title, the addressee flush
 * left, body paragraphs indented two characters in 3号仿宋, signature and date at the right, the copy line.
 * Fonts are named as government offices install them; Word substitutes where one is missing.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  TextRun,
  convertMillimetersToTwip,
} from 'docx';
import type { NoticeDocument } from './notice';

const RED = 'C00000';
const FANGSONG = '仿宋_GB2312';
const TITLE_FONT = '方正小标宋简体';
const HEITI = '黑体';
/** half-points: 3号 = 16 pt, 2号 = 22 pt, the banner 26 pt (one line for most bodies' names) */
const SIZE_BODY = 32;
const SIZE_TITLE = 44;
const SIZE_BANNER = 52;
/** fixed 28 pt lines, 22 lines a page as the standard asks */
const LINE = { line: 560, lineRule: 'exact' as const };
const INDENT_TWO_CHARS = 640;

const run = (text: string, opts: { font?: string; size?: number; color?: string; bold?: boolean } = {}) =>
  new TextRun({
    text,
    font: opts.font ?? FANGSONG,
    size: opts.size ?? SIZE_BODY,
    color: opts.color,
    bold: opts.bold,
  });

const body = (text: string) =>
  new Paragraph({ children: [run(text)], indent: { firstLine: INDENT_TWO_CHARS }, spacing: LINE });

export async function noticeDocx(d: NoticeDocument): Promise<Buffer> {
  const doc = new Document({
    creator: d.signature,
    title: d.title,
    description: d.number,
    sections: [
      {
        properties: {
          page: {
            size: { width: convertMillimetersToTwip(210), height: convertMillimetersToTwip(297) },
            margin: {
              top: convertMillimetersToTwip(37),
              bottom: convertMillimetersToTwip(35),
              left: convertMillimetersToTwip(28),
              right: convertMillimetersToTwip(26),
            },
          },
        },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [run(d.banner, { font: TITLE_FONT, size: SIZE_BANNER, color: RED })],
            spacing: { after: 400 },
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [run(d.number)],
            border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 4 } },
            spacing: { after: 480 },
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            children: [run(d.title, { font: TITLE_FONT, size: SIZE_TITLE })],
            spacing: { after: 480 },
          }),
          new Paragraph({ children: [run(d.addressee)], spacing: LINE }),
          body(d.opening),
          ...d.grounds.map(body),
          ...d.paragraphs.map(body),
          ...(d.evidence.length > 0
            ? [
                new Paragraph({
                  children: [run(`附件：逾期案件清单（${d.evidence.length} 件）`, { font: HEITI })],
                  indent: { firstLine: INDENT_TWO_CHARS },
                  spacing: { ...LINE, before: 280 },
                }),
                body(d.evidence.join('、')),
              ]
            : []),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            children: [run(d.signature)],
            spacing: { ...LINE, before: 560 },
            indent: { right: INDENT_TWO_CHARS },
          }),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            children: [run(d.date)],
            spacing: LINE,
            indent: { right: INDENT_TWO_CHARS },
          }),
          ...(d.copyTo
            ? [
                new Paragraph({
                  children: [run(d.copyTo, { size: 28 })],
                  border: {
                    top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
                    bottom: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 4 },
                  },
                  spacing: { before: 560 },
                }),
              ]
            : []),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
