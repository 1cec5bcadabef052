import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns `npx tsx cli.ts …` as a user would, with the given TZ. */
function cli(args: string[], tz = 'Asia/Shanghai'): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, TZ: tz } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        // npx itself may warn about the local npm config; that is not the CLI's output.
        const own = stderr
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('npm warn'))
          .join('\n');
        resolve({ code, stdout, stderr: own });
      },
    );
  });
}

jest.setTimeout(120_000);

describe('CLI', () => {
  test('deadline prints exactly the shared JSON, exit 0', async () => {
    const r = await cli(['deadline', '--from', '2026-02-12', '--working-days', '10']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['deadline', 'dueAt', 'provisional', 'calendarVersion']);
    expect(out).toMatchObject({
      deadline: '2026-03-04',
      dueAt: '2026-03-05T00:00:00.000+08:00',
      provisional: false,
    });
  });

  test('identical output under TZ=UTC, America/Los_Angeles and Asia/Shanghai, including an instant near midnight', async () => {
    const cases = [
      ['deadline', '--from', '2026-02-12T16:30:00Z', '--working-days', '10'],
      ['deadline', '--from', '2026-09-30', '--working-days', '3', '--explain'],
      ['day', '--date', '2026-02-14'],
    ];
    for (const args of cases) {
      const runs = await Promise.all(
        ['UTC', 'America/Los_Angeles', 'Asia/Shanghai'].map((tz) => cli(args, tz)),
      );
      for (const r of runs) expect(r.code).toBe(0);
      expect(runs[1].stdout).toBe(runs[0].stdout);
      expect(runs[2].stdout).toBe(runs[0].stdout);
    }
    const r = await cli(cases[0], 'America/Los_Angeles');
    // 16:30Z on 2/12 is 2/13 00:30 in Shanghai: day 1 is 2/14 (make-up Saturday), deadline 3/5.
    expect(JSON.parse(r.stdout)).toMatchObject({
      deadline: '2026-03-05',
      dueAt: '2026-03-06T00:00:00.000+08:00',
    });
  });

  test.each([
    [['deadline', '--from', '2026-02-30', '--working-days', '10'], 'invalid_date'],
    [['deadline', '--from', '2026-02-12', '--working-days', '0'], 'invalid_working_days'],
    [['deadline', '--from', '2026-02-12', '--working-days', '100000'], 'invalid_working_days'],
    [['deadline', '--from', '2026-02-12', '--working-days', '10', '--profile', 'nope'], 'unknown_profile'],
    [['deadline', '--from', '2026-02-12'], 'invalid_working_days'],
    [['deadline', '--frm', '2026-02-12'], 'invalid_argument'],
    [['nosuch'], 'unknown_command'],
  ])('bad input %j → exit 2 with one Chinese line (%s)', async (args, code) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`[${code}]`);
    expect(r.stderr).toMatch(/[\u4e00-\u9fff]/);
  });

  test('between and explain', async () => {
    const b = await cli(['between', '--from', '2026-02-12', '--to', '2026-03-04']);
    expect(JSON.parse(b.stdout)).toMatchObject({ workingDays: 10, provisional: false });
    const e = await cli(['deadline', '--from', '2026-02-12', '--working-days', '10', '--explain']);
    const out = JSON.parse(e.stdout);
    expect(out.explanation[0]).toMatchObject({ date: '2026-02-12', reason: 'receipt', counted: false });
    expect(out.explanation.filter((x: { counted: boolean }) => x.counted)).toHaveLength(10);
  });
});
