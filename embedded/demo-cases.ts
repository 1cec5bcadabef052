import { startCase } from '../core/cases/start';
import { issueNotice, type NoticeDeps } from '../core/oversight/rectification';

/**
 * A few demo cases so a new user sees something at once: one fresh request, one entered late that is
 * already overdue, one data verification, and a written notice (P6) citing the overdue one. Idempotency keys
 * make re-running this a no-op.
 */
export async function seedDemoCases(deps: NoticeDeps): Promise<string[]> {
  const demo = { clientId: 'demo-seed' };
  const ids: string[] = [];
  ids.push(
    (
      await startCase(deps, {
        ...demo,
        idempotencyKey: 'demo-p1-fresh',
        procedure: 'P1',
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-RST',
        resourceId: 'SB-0003',
        details: { purpose: '核对低保申请人参保缴费情况', scope: '身份证号、参保状态、缴费基数' },
      })
    ).caseId,
  );
  ids.push(
    (
      await startCase(deps, {
        ...demo,
        idempotencyKey: 'demo-p1-late',
        procedure: 'P1',
        receivedAt: '2026-09-25T10:00:00+08:00',
        requesterDepartmentId: 'HHHT',
        responsibleDepartmentId: 'NMG-MZT',
        resourceId: 'MZ-0012',
        details: {
          purpose: '城市困难群众帮扶',
          scope: '姓名、身份证号、保障类别',
          channel: '纸质申请后补录',
        },
      })
    ).caseId,
  );
  ids.push(
    (
      await startCase(deps, {
        ...demo,
        idempotencyKey: 'demo-p4',
        procedure: 'P4',
        requesterDepartmentId: 'NMG-MZT',
        responsibleDepartmentId: 'NMG-GAT',
        resourceId: 'RK-0001',
        details: {
          item: '150102199001011234/户籍地址',
          description: '户籍地址与申请人提供的户口簿不一致',
          proofProvided: true,
        },
      })
    ).caseId,
  );
  // 督促检查组 notifies 民政厅 of the request it let run out (第三十六条 (二)); the notice is the demo's first
  const { notice } = await issueNotice(
    deps,
    { clientId: 'demo-seed', role: 'SUPERVISOR', departmentId: 'NMG-XTBGS' },
    'demo-p6-mzt',
    {
      departmentId: 'NMG-MZT',
      grounds: [2],
      facts: `呼和浩特市人民政府申请共享的城乡低保对象信息 (案件 ${ids[1]}) 超过第十九条规定的 10 个工作日未予答复。`,
      evidenceCaseIds: [ids[1]],
      rectificationWorkingDays: 20,
    },
  );
  ids.push(notice.caseId);
  return ids;
}
