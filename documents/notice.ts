/**
 * The written notice of 第三十六条 as text: one model that the case page shows and the .docx prints, so the two
 * never differ. Laid out as an official notice (党政机关公文格式): issuing body, number, title, addressee, body,
 * grounds, deadline, evidence, signature and date, and a copy line.
 */
import { chineseDate, chineseDay } from '../calendar/dates';
import { GROUND_NUMERALS, isRectificationGround, RECTIFICATION_GROUNDS } from '../procedures';

export interface NoticeFacts {
  number: string;
  issuingBody: string;
  departmentName: string;
  grounds: number[];
  facts: string;
  evidenceCaseIds: string[];
  rectificationWorkingDays: number;
  /** YYYY-MM-DD, Beijing */
  deadline: string;
  provisional: boolean;
  issuedAt: string;
  /** the earlier notice this one follows up (ground 五), by its number */
  followsNumber?: string | null;
  /** who gets a copy (抄送): the coordination office and the management department */
  copyTo: string[];
}

export interface NoticeDocument {
  /** the issuing body's banner line */
  banner: string;
  number: string;
  title: string;
  addressee: string;
  /** body paragraphs, in order; `grounds` follows the first */
  opening: string;
  grounds: string[];
  paragraphs: string[];
  evidence: string[];
  signature: string;
  date: string;
  copyTo: string;
}

/**
 * Official texts use full-width punctuation (GB/T 15834). The article's grounds are kept elsewhere with ASCII
 * commas and brackets, as the system writes its sentences, so they are converted here; the supervisor's own
 * facts are printed as written.
 */
export function officialPunctuation(s: string): string {
  return s
    .replace(/, ?/g, '，')
    .replace(/; ?/g, '；')
    .replace(/: ?/g, '：')
    .replace(/ ?\(/g, '（')
    .replace(/\) ?/g, '）');
}

export function noticeDocument(f: NoticeFacts): NoticeDocument {
  const grounds = f.grounds
    .filter(isRectificationGround)
    .map((g) => officialPunctuation(`(${GROUND_NUMERALS[g]}) ${RECTIFICATION_GROUNDS[g]}。`));
  const deadline =
    chineseDate(f.deadline) + (f.provisional ? '（该年度放假安排公布后以系统重算的期限为准）' : '');
  return {
    banner: f.issuingBody,
    number: f.number,
    title: `关于对${f.departmentName}予以书面通报并责令限期整改的通知`,
    addressee: `${f.departmentName}：`,
    opening:
      (f.followsNumber ? `你单位未按书面通报${f.followsNumber}的要求完成整改。` : '') +
      '经督促检查，你单位在政务信息资源共享工作中存在《内蒙古自治区政务信息资源共享管理暂行办法》（内政发〔2018〕23号）第三十六条所列下列情形：',
    grounds,
    paragraphs: [
      `主要事实：${f.facts}`,
      `根据第三十六条规定，现予以书面通报，并责令你单位自本通知印发之日起${f.rectificationWorkingDays}个工作日内（即${deadline}前）完成整改，并通过政务信息资源共享时限监督系统报送整改情况报告。逾期未整改或整改不到位的，将依第三十六条第（五）项再次予以通报。`,
    ],
    evidence: f.evidenceCaseIds,
    signature: f.issuingBody,
    date: chineseDay(new Date(f.issuedAt)),
    copyTo: f.copyTo.length > 0 ? `抄送：${f.copyTo.join('，')}。` : '',
  };
}

/** The same document as plain text (the case page's fallback and the tests' reading). */
export function noticeText(d: NoticeDocument): string {
  return [
    d.banner,
    d.number,
    '',
    d.title,
    '',
    d.addressee,
    d.opening,
    ...d.grounds,
    ...d.paragraphs,
    ...(d.evidence.length > 0
      ? [`附: 逾期案件清单 (${d.evidence.length} 件): ${d.evidence.join(', ')}`]
      : []),
    '',
    d.signature,
    d.date,
    '',
    d.copyTo,
  ].join('\n');
}
