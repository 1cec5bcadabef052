/**
 * A report as files (第三十二条): .docx (title, addressee, narrative, figure tables, and for the yearly report the
 * ranking of 第三十三条) with npm `docx`, and .xlsx (the figures; the ranking on a second sheet) with exceljs.
 * A submitted report prints its version in force (or the one asked for) with the figures' hash; before
 * submission the live figures, marked as a draft.
 */
import ExcelJS from 'exceljs';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { DomainError } from '../errors';
import { figureLines, RANKING_COLUMNS } from './figure-lines';
import type { DepartmentFigures, ReportFigures } from './figures';
import type { ReportVersionView, ReportView } from './reports';

export interface ReportDocument {
  title: string;
  /** file name without extension: Chinese, and an ASCII fallback */
  fileName: { chinese: string; ascii: string };
  view: ReportView;
  version: ReportVersionView | null;
  figures: ReportFigures;
}

const SHANGHAI_MS = 8 * 3_600_000;
/** `2026年7月10日` for an instant (Beijing day) */
export function chineseDay(at: Date | string): string {
  const d = new Date(new Date(at).getTime() + SHANGHAI_MS);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}
const lastDayOf = (periodEnd: string) => new Date(Date.parse(periodEnd) - 1);

/** The document of a report: version `n` (default: the one in force), or the live draft before submission. */
export function reportDocument(view: ReportView, n?: number): ReportDocument {
  const version =
    n === undefined ? (view.versions.at(-1) ?? null) : view.versions.find((v) => v.version === n);
  if (version === undefined) {
    throw new DomainError('not_found', 'report_version_not_found', `报告没有第 ${n} 版`);
  }
  const figures = version?.figures ?? view.draft;
  if (!figures) throw new DomainError('conflict', 'report_without_figures', '报告没有数据');
  const title =
    view.kind === 'year'
      ? `${view.periodLabel}政务信息资源共享情况报告`
      : `${view.department.name}${view.periodLabel}政务信息资源共享落实情况和使用效果报告`;
  const suffix = version ? `第${version.version}版` : '草稿';
  return {
    title,
    fileName: {
      chinese: `${title}(${suffix})`,
      ascii: `report-${view.caseId}-${version ? `v${version.version}` : 'draft'}`,
    },
    view,
    version,
    figures,
  };
}

/** What the document says about itself: period, state, version and hash. */
function facts(doc: ReportDocument): string[] {
  const { view, version, figures } = doc;
  const lines = [
    `报送单位：${view.department.name}`,
    `报送期间：${chineseDay(view.periodStart)}至${chineseDay(lastDayOf(view.periodEnd))}`,
    `报送期限：${chineseDay(`${view.deadline}T12:00:00+08:00`)}`,
  ];
  if (version) {
    lines.push(`报送时间：${chineseDay(version.submittedAt)} (第${version.version}版)`);
    if (version.replacesId) lines.push(`本版更正此前报送的第${version.version - 1}版。`);
    lines.push(`数据摘要 (SHA-256)：${version.figuresHash}`);
  } else {
    lines.push(`草稿 (尚未报送)，数据截至${chineseDay(figures.asOf)}。`);
  }
  return lines;
}

const cell = (text: string | number, bold = false) =>
  new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: String(text), bold })] })] });

function table(header: string[], rows: (string | number)[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }),
      ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
    ],
  });
}

const figureTable = (f: DepartmentFigures) =>
  table(
    ['类别', '指标', '数值'],
    figureLines(f).map((l) => [l.group, l.label, l.value]),
  );

export async function reportDocx(doc: ReportDocument): Promise<Buffer> {
  const { view, version, figures } = doc;
  const p = (text: string) => new Paragraph({ children: [new TextRun(text)] });
  const heading = (text: string) => new Paragraph({ text, heading: HeadingLevel.HEADING_2 });
  const narrative = version?.narrative ?? '';
  const body = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      heading: HeadingLevel.TITLE,
      children: [new TextRun({ text: doc.title, bold: true })],
    }),
    p(`${view.receiver?.name ?? '协调办公室'}组织推进组：`),
    ...facts(doc).map(p),
    heading('一、落实情况和使用效果'),
    ...(narrative ? narrative.split(/\r?\n/).map(p) : [p('(尚未填写)')]),
    heading(figures.type === 'year_summary' ? '二、全区共享数据合计' : '二、本期共享数据'),
    figureTable(figures.type === 'year_summary' ? figures.totals : figures),
  ];
  if (figures.type === 'year_summary') {
    body.push(
      heading('三、各部门情况及排名 (供第三十三条联合考核参考)'),
      table(
        RANKING_COLUMNS.map((c) => c.header),
        figures.departments.map((r) => RANKING_COLUMNS.map((c) => c.cell(r))),
      ),
    );
  }
  body.push(
    p(
      '数据由系统依据案件记录自动生成，定义见系统说明；依据《内蒙古自治区政务信息资源共享管理暂行办法》第三十二条。',
    ),
    new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun(view.department.name)] }),
    new Paragraph({
      alignment: AlignmentType.RIGHT,
      children: [new TextRun(chineseDay(version?.submittedAt ?? figures.asOf))],
    }),
  );
  const document = new Document({
    creator: '政务信息资源共享时限监督',
    title: doc.title,
    styles: {
      default: { document: { run: { font: { eastAsia: '仿宋', ascii: 'Times New Roman' }, size: 28 } } },
    },
    sections: [{ children: body }],
  });
  return Packer.toBuffer(document);
}

export async function reportXlsx(doc: ReportDocument): Promise<Buffer> {
  const { figures } = doc;
  const book = new ExcelJS.Workbook();
  book.creator = '政务信息资源共享时限监督';
  const sheet = book.addWorksheet('共享数据');
  sheet.columns = [{ width: 22 }, { width: 44 }, { width: 16 }];
  sheet.addRow([doc.title]).font = { bold: true };
  for (const line of facts(doc)) sheet.addRow([line]);
  sheet.addRow([]);
  sheet.addRow(['类别', '指标', '数值']).font = { bold: true };
  const f = figures.type === 'year_summary' ? figures.totals : figures;
  for (const l of figureLines(f)) sheet.addRow([l.group, l.label, l.value]);
  if (figures.type === 'year_summary') {
    const ranking = book.addWorksheet('排名', { views: [{ state: 'frozen', ySplit: 1 }] });
    ranking.columns = RANKING_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
    ranking.getRow(1).font = { bold: true };
    for (const r of figures.departments) ranking.addRow(RANKING_COLUMNS.map((c) => c.cell(r)));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
