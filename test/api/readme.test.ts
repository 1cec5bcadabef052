/**
 * The README promises integrators a curl walkthrough that runs as is against command 1's system. This runs
 * that very block (only the base URL is pointed at a test server) against the real app, worker and database.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestApi, type TestApi } from '../support/api';

let api: TestApi;
let server: Server;

beforeAll(async () => {
  api = await createTestApi({ worker: true });
  server = await new Promise<Server>((resolve) => {
    const s = api.app.listen(0, '127.0.0.1', () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await api?.close();
});

function integratorBlock(): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## For integrators'));
  const m = /```bash\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README: no bash block in the integrators section');
  return m[1];
}

test("the README's integrator walkthrough runs against a real server and does what it says", async () => {
  const block = integratorBlock();
  const defaultBase = 'B=http://127.0.0.1:3000/api/v1';
  expect(block).toContain(defaultBase); // the walkthrough targets command 1's default port
  const { port } = server.address() as AddressInfo;
  const script = block.replace(defaultBase, `B=http://127.0.0.1:${port}/api/v1`);
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile('bash', ['-euo', 'pipefail', '-c', script], { timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    },
  );
  expect({ code, stderr, tail: stdout.slice(-400) }).toMatchObject({ code: 0, stderr: '' });
  const lines = stdout.split('\n');
  expect(stdout).toContain('"departmentId":"NMG-MZT"'); // /me
  const caseLine = lines.find((l) => l.startsWith('case '));
  expect(caseLine).toMatch(/^case GX-\d{4}-\d{6}$/);
  expect(lines).toContain('approved'); // step 4 prints the stage
  expect(lines).toContain('true'); // step 6: the granted purpose is allowed
  expect(lines).toContain('purpose_not_granted'); // and another purpose is not
  expect(stdout).toContain('"underVerification":false');
  const id = caseLine?.slice(5) ?? '';
  const grant = await api.tdb.db.grant.findFirst({ where: { caseId: id } });
  expect(grant).toMatchObject({ consumerDepartmentId: 'NMG-MZT', purpose: '低保家庭收入核对' });
});
