import { actOnCase } from '../../core/cases/act';
import type { Actor } from '../../core/actor';
import { overviewFigures } from '../../core/oversight/figures';
import { issueNotice, noticeDocumentFor } from '../../core/oversight/rectification';
import { startCase } from '../../core/cases/start';
import { rectificationProposals } from '../../core/oversight/rectification-proposals';
import { noticeText } from '../../documents/notice';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { recordHistory } from '../histories/record';
import { caseDriver, P1_MZT_ASKS_RST } from '../support/cases';
import { mailingWorker } from '../support/mailing';
import { timeSkippingSuite } from '../support/suite';
import { expectAt, sleepUntil } from '../support/time';
import { eventually } from '../support/worker';

// virtual clock starts Tue 2026-09-08 09:00 Beijing time: a P1 is received that 人社厅 will let run out
const suite = timeSkippingSuite('2026-09-08T01:00:00Z');
const { handleOf, rowOf, timeline } = caseDriver(suite);
let smtp: MailCatcher;
beforeAll(async () => {
  smtp = await startMailCatcher();
});
afterAll(() => smtp?.stop());

const SUPERVISOR: Actor = { clientId: 'user:duban', role: 'SUPERVISOR', departmentId: 'NMG-XTBGS' };
const RST: Actor = { clientId: 'rst-system', role: 'DEPARTMENT', departmentId: 'NMG-RST' };

describe('第三十六条 书面通报、限期整改 (P6)', () => {
  test('a notice across 国庆 with a send-back and a late acceptance; the lapse turns 人社厅 red and proposes a ground-(五) notice', async () => {
    const { taskQueue, calendars, stop } = await mailingWorker({
      connection: suite.nativeConnection,
      db: suite.tdb.db,
      taskQueue: `p6-${Date.now()}`,
      smtpPort: smtp.smtpPort,
      publicBaseUrl: 'http://127.0.0.1:3000',
    });
    let clock = new Date('2026-09-08T09:00:00+08:00');
    const deps = {
      db: suite.tdb.db,
      temporal: suite.client,
      calendars,
      taskQueue,
      now: () => clock,
      noticePrefix: '内共享督',
    };
    const at = async (iso: string) => {
      await sleepUntil(suite.env, iso);
      clock = new Date(iso);
    };
    try {
      // evidence: a P1 人社厅 lets run out (10 working days from 9/8: due 9/21, with Sun 9/20 worked)
      const { caseId: p1 } = await startCase(deps, {
        ...P1_MZT_ASKS_RST,
        receivedAt: '2026-09-08T09:00:00+08:00',
        details: { purpose: '低保审核', scope: '参保状态' },
      });
      await at('2026-09-25T02:00:00Z'); // Fri 9/25 10:00
      expect(await rowOf(p1)).toMatchObject({ deadlineDate: '2026-09-21', overdue: true });

      const { created, notice } = await issueNotice(deps, SUPERVISOR, 'notice-rst-1', {
        departmentId: 'NMG-RST',
        grounds: [2, 6],
        facts: '参保缴费信息共享申请逾期未答复',
        evidenceCaseIds: [p1],
        rectificationWorkingDays: 10,
      });
      expect(created).toBe(true);
      // the share authority issues (第三十六条); the first notice of 2026
      expect(notice).toMatchObject({
        number: '内共享督〔2026〕1号',
        issuingDepartmentId: 'NMG-ZWFWJ',
        departmentId: 'NMG-RST',
        grounds: [2, 6],
        // 10 working days from Fri 9/25: 9/28–9/30, 国庆 10/1–10/7 off, 10/8, 10/9, Sat 10/10 worked, 10/12–10/15
        deadline: '2026-10-15',
        stage: 'awaiting_answer',
      });
      const caseId = notice.caseId;
      expect(caseId).toMatch(/^ZG-2026-/);
      // the same key again: the same notice, no second number
      const again = await issueNotice(deps, SUPERVISOR, 'notice-rst-1', {
        departmentId: 'NMG-RST',
        grounds: [2, 6],
        facts: '参保缴费信息共享申请逾期未答复',
        evidenceCaseIds: [p1],
        rectificationWorkingDays: 10,
      });
      expect(again).toMatchObject({ created: false, notice: { caseId, number: '内共享督〔2026〕1号' } });
      const { document } = await noticeDocumentFor(deps, RST, caseId);
      const text = noticeText(document);
      expect(text).toContain('关于对内蒙古自治区人力资源和社会保障厅予以书面通报并责令限期整改的通知');
      expect(text).toContain('（二）不按照规定将本部门政务信息资源目录');
      expect(text).toContain('（即2026年10月15日前）');
      expect(text).toContain(p1);

      // Fri 10/9: the department reports in time; the clock pauses while the supervisor reviews
      await at('2026-10-09T02:00:00Z');
      await actOnCase(deps, RST, caseId, {
        type: 'submit_rectification',
        report: '已建立答复台账, 逐件清理',
      });
      expect(await rowOf(caseId)).toMatchObject({ stage: 'under_review', overdue: false });
      // a department cannot review its own report
      await expect(actOnCase(deps, RST, caseId, { type: 'accept_rectification' })).rejects.toMatchObject({
        kind: 'forbidden',
      });

      // Mon 10/12: sent back, same deadline
      await at('2026-10-12T02:00:00Z');
      await actOnCase(deps, SUPERVISOR, caseId, { type: 'send_back', reasons: '逾期案件尚未答复' });
      expect(await rowOf(caseId)).toMatchObject({ stage: 'awaiting_answer', deadlineDate: '2026-10-15' });

      // Mon 10/19: the deadline (end of 10/15) has passed without a new report
      await at('2026-10-19T02:00:00Z');
      const lapsed = await eventually(async () => {
        const r = await rowOf(caseId);
        return r.overdue ? r : undefined;
      });
      expectAt(lapsed.overdueAt, '2026-10-15T16:00:00Z');
      const figures = await overviewFigures(deps, SUPERVISOR);
      expect(figures.departments.find((d) => d.id === 'NMG-RST')).toMatchObject({
        light: 'red',
        overdueRectifications: 1,
      });
      const proposals = await rectificationProposals(deps, SUPERVISOR);
      expect(proposals).toEqual([
        expect.objectContaining({
          caseId,
          departmentId: 'NMG-RST',
          grounds: [5],
          number: '内共享督〔2026〕1号',
        }),
      ]);
      // a proposal, not a notice: nothing was issued by itself
      expect(await suite.tdb.db.rectificationNotice.count()).toBe(1);

      // Tue 10/20: the late report; Wed 10/21: accepted
      await at('2026-10-20T02:00:00Z');
      await actOnCase(deps, RST, caseId, { type: 'submit_rectification', report: '逾期案件已全部答复' });
      await at('2026-10-21T02:00:00Z');
      await actOnCase(deps, SUPERVISOR, caseId, { type: 'accept_rectification', note: '整改到位' });
      await handleOf(caseId).result();
      const closed = await rowOf(caseId);
      expect(closed).toMatchObject({
        status: 'CLOSED',
        stage: 'rectified',
        outcome: 'rectified',
        overdue: true,
        answeredLate: true,
      });
      expectAt(closed.answeredAt, '2026-10-20T02:00:00Z');
      expectAt(closed.closedAt, '2026-10-21T02:00:00Z');
      // the half-time reminder fell while the report was under review: skipped, not sent late
      const steps = await timeline(caseId);
      expect(steps).toHaveLength(8);
      expect(steps).toEqual(
        expect.arrayContaining([
          ['received', 'received'],
          ['rectification_submitted', 'submitted:1'],
          ['rectification_sent_back', 'sent-back:1'],
          ['reminder_skipped', 'reminder-skipped:half:2026-10-15'],
          ['reminder', 'reminder:day-before:2026-10-15'],
          ['overdue', 'overdue'],
          ['rectification_submitted', 'submitted:2'],
          ['rectification_accepted', 'answered'],
        ]),
      );
      // no longer red for the notice once it is accepted
      const after = await overviewFigures(deps, SUPERVISOR);
      expect(after.departments.find((d) => d.id === 'NMG-RST')?.overdueRectifications).toBe(0);
      expect(await rectificationProposals(deps, SUPERVISOR)).toEqual([]);

      // mails at each step: the department's 专人 (张伟), the issuer (王建国, 主管部门) and the office (赵丽娟)
      const mails = await eventually(async () => {
        const m = smtp.messages.filter((x) => x.subject?.includes(caseId) || x.subject?.includes('内共享督'));
        return m.length >= 17 ? m : undefined;
      });
      const subjects = mails.map((m) => [m.envelopeTo[0], m.subject]);
      expect(subjects).toEqual(
        expect.arrayContaining([
          [
            'zhangwei@rst.nmg.example',
            '书面通报 内共享督〔2026〕1号 请内蒙古自治区人力资源和社会保障厅于2026年10月15日 24:00前完成整改',
          ],
          [
            'zhaolijuan@xtbgs.nmg.example',
            '(抄送) 书面通报 内共享督〔2026〕1号 请内蒙古自治区人力资源和社会保障厅于2026年10月15日 24:00前完成整改',
          ],
          ['wangjianguo@zwfwj.nmg.example', expect.stringContaining('整改报告待验收')],
          ['zhangwei@rst.nmg.example', `整改报告退回【书面通报、限期整改】${caseId} 请继续整改`],
          ['zhaolijuan@xtbgs.nmg.example', `(抄送) 整改报告退回【书面通报、限期整改】${caseId} 请继续整改`],
          ['zhaolijuan@xtbgs.nmg.example', expect.stringContaining('整改逾期')],
          ['zhangwei@rst.nmg.example', expect.stringContaining('整改验收')],
        ]),
      );
      const sentBack = mails.find((m) => m.subject?.startsWith('整改报告退回'));
      expect(sentBack?.text).toContain('退回理由: 逾期案件尚未答复');
      await recordHistory(handleOf(caseId), 'p6-send-back-late-acceptance');
    } finally {
      await stop();
    }
  });
});
