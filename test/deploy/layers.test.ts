/**
 * The layer rules of .dependency-cruiser.cjs (DESIGN.md, issue 11) hold on the whole tree: pure rules import no
 * I/O, workflows only rules and activity types, nothing reaches up into the API, and there are no cycles.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

test('the dependency checker finds no layer violation and no cycle', () => {
  const bin = path.join(root, 'node_modules', '.bin', 'depcruise');
  // the same command `npm run layers` (part of `npm run lint`) runs, with a JSON report instead of text
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const args = pkg.scripts.layers.replace('--output-type err', '--output-type json').split(' ').slice(1);
  const out = execFileSync(bin, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(out) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number };
  };
  expect(result.summary.totalCruised).toBeGreaterThan(100);
  expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
});
