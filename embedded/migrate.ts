import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './paths';

/** `prisma migrate deploy` through the wasm engine and the pg adapter (works offline, PLATFORM.md). */
export async function migrateDeploy(databaseUrl: string): Promise<void> {
  try {
    await promisify(execFile)(
      path.join(projectRoot, 'node_modules', '.bin', 'prisma'),
      ['migrate', 'deploy'],
      {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      },
    );
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`数据库迁移失败:\n${err.stdout ?? ''}${err.stderr ?? ''}`, { cause: e });
  }
}
