/**
 * Tables as files people open in Excel or WPS: CSV (UTF-8 with a byte-order mark, so Excel reads Chinese
 * correctly, RFC 4180 quoting, CRLF) and .xlsx (exceljs). A text cell that a spreadsheet would run as a formula
 * (= + - @, or a tab or carriage return before one) is neutralised in CSV with a leading apostrophe (OWASP
 * "CSV injection"); .xlsx stores every text cell as text, never as a formula.
 */
import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { chineseDate } from './format';
import { CSV_TYPE, XLSX_TYPE } from '../documents/files';
import { sendDocument } from '../api/download';

/** A Beijing day (YYYY-MM-DD): 2026年3月4日 in CSV, a real date shown the same way in .xlsx */
export interface DayCell {
  day: string;
}

export type Cell = string | number | null | DayCell;

export interface ExportColumn {
  header: string;
  /** character width in .xlsx */
  width?: number;
}

export interface ExportTable {
  columns: ExportColumn[];
  rows: Cell[][];
  /** a closing remark (e.g. that the export was capped), after a blank row */
  note?: string;
}

const BOM = '\uFEFF';
const DATE_FORMAT = 'yyyy"年"m"月"d"日"';

/** A text cell that Excel, WPS or LibreOffice would evaluate gets a leading apostrophe. */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'object') return chineseDate(cell.day);
  const text = neutraliseFormula(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: ExportTable): Buffer {
  const lines = [table.columns.map((c) => c.header), ...table.rows].map((r) => r.map(csvField).join(','));
  if (table.note) lines.push('', csvField(table.note));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}

export async function toXlsx(sheetName: string, table: ExportTable): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = '政务信息资源共享时限监督';
  const sheet = book.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => ({ header: c.header, width: c.width ?? 16 }));
  sheet.getRow(1).font = { bold: true };
  for (const r of table.rows) {
    const row = sheet.addRow(
      r.map((cell) => (cell !== null && typeof cell === 'object' ? new Date(`${cell.day}T00:00:00Z`) : cell)),
    );
    r.forEach((cell, i) => {
      if (cell !== null && typeof cell === 'object') row.getCell(i + 1).numFmt = DATE_FORMAT;
    });
  }
  if (table.note) {
    sheet.addRow([]);
    sheet.addRow([table.note]);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** Sends a table as CSV or .xlsx under a (Chinese) file name without extension. */
export async function sendTable(
  res: Response,
  format: 'csv' | 'xlsx',
  name: { chinese: string; ascii: string },
  sheetName: string,
  table: ExportTable,
): Promise<void> {
  const body = format === 'csv' ? toCsv(table) : await toXlsx(sheetName, table);
  sendDocument(res, body, format === 'csv' ? CSV_TYPE : XLSX_TYPE, name, format);
}
