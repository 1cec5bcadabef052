/**
 * The operator's reconciliation command (issue 14), registered in cli.ts's COMMANDS:
 *   reconcile [--repair] [--all] [--case <id>]… [--scan-workflows]
 * Compares every open case's row with its workflow's state and reports (or repairs) the rows that lag.
 * Exit 0 when everything agrees (or was repaired), 1 when drift remains.
 */
import type { ParseArgsConfig } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { CliText } from './cli-text';
import { reconcileCases } from './core/cases/reconcile';
import { DomainError } from './core/errors';
import type { Db } from './prisma/client';

/** What cli.ts's CliContext offers (structurally: importing cli.ts here would make a cycle). */
interface Ctx {
  env: NodeJS.ProcessEnv;
  database(): Db | undefined;
  onClose(fn: () => Promise<unknown>): void;
}

interface ReconcileCommand {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, string | boolean | string[] | undefined>, ctx: Ctx): unknown;
}

export const RECONCILE_COMMANDS: Record<string, ReconcileCommand> = {
  reconcile: {
    summary: '核对读模型与工作流：报告（--repair 修复）落后于工作流的案件记录',
    usage: 'reconcile [--repair] [--all] [--case <案件编号>]… [--scan-workflows]',
    options: {
      repair: { type: 'boolean' },
      all: { type: 'boolean' },
      case: { type: 'string', multiple: true },
      'scan-workflows': { type: 'boolean' },
    },
    async run(v, ctx) {
      const db = ctx.database();
      if (!db) throw new DomainError('invalid', 'database_not_configured', '未设置 DATABASE_URL，无法核对');
      const address = ctx.env.TEMPORAL_ADDRESS;
      if (!address)
        throw new DomainError('invalid', 'temporal_not_configured', '未设置 TEMPORAL_ADDRESS，无法核对');
      const connection = await Connection.connect({ address });
      ctx.onClose(() => connection.close());
      const temporal = new Client({ connection, namespace: ctx.env.TEMPORAL_NAMESPACE || 'default' });
      const caseIds = Array.isArray(v.case) ? v.case : undefined;
      const report = await reconcileCases(
        { db, temporal },
        {
          caseIds,
          all: v.all === true,
          repair: v.repair === true,
          scanWorkflows: v['scan-workflows'] === true,
          actor: `cli:${ctx.env.USER || 'unknown'}`,
        },
      );
      const unresolved = report.drifts.filter((d) => !d.repaired).length;
      return new CliText(JSON.stringify(report, null, 2) + '\n', unresolved === 0 ? 0 : 1);
    },
  },
};
