import { startCase, type CaseServiceDeps } from '../core/cases/start';

/**
 * A few demo cases so a new user sees something at once: one fresh request, one entered late that is
 * already overdue, one data verification. Idempotency keys make re-running this a no-op.
 */
export async function seedDemoCases(deps: CaseServiceDeps): Promise<string[]> {
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
  return ids;
}
