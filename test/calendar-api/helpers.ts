import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { YearArrangement } from '../../calendar/arrangement';
import { DEFAULT_PROFILE_ID } from '../../calendar/profiles';
import { PROCEDURES } from '../../procedures';
import type { Db } from '../../prisma/client';

export const ADMIN = 'Bearer gx_0000000000a1_demo-admin-local-only';
export const DEPARTMENT = 'Bearer gx_0000000000c1_demo-rst-local-only';
export const ROOT = path.join(__dirname, '..', '..');
export const FIXTURE_FILE = path.join(__dirname, 'fixtures', '2027-test-fixture.json');

/** TEST FIXTURE, not the official 2027 arrangement (see its source number 测试发明电〔2026〕99号). */
export function fixture2027(): YearArrangement {
  return JSON.parse(fs.readFileSync(FIXTURE_FILE, 'utf8')) as YearArrangement;
}

const run = promisify(execFile);

export async function cli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

/** An open case row without a workflow (signals to it are "not found" and ignored). */
export async function insertOpenCase(
  db: Db,
  c: { id: string; receivedAt: string; workingDays: number; deadlineDate: string; dueAt: string },
): Promise<void> {
  await db.case.create({
    data: {
      id: c.id,
      procedure: PROCEDURES.P1.dbEnum,
      stage: 'awaiting_answer',
      responsibleDepartmentId: 'NMG-RST',
      requesterDepartmentId: 'NMG-MZT',
      rootCaseId: c.id,
      receivedAt: new Date(c.receivedAt),
      workingDays: c.workingDays,
      deadlineDate: c.deadlineDate,
      dueAt: new Date(c.dueAt),
      provisional: true,
      calendarVersion: 'test',
      profileId: DEFAULT_PROFILE_ID,
    },
  });
}
