/**
 * `npm run -s bench`: the five figures of issue 15 for both topologies in one run — the dev server (`npm start`)
 * and the production topology (`npm run start:cluster`) — each started privately, measured, and stopped, then
 * printed side by side (and as JSON with --json). Ratios are against baselines measured in the same run.
 *
 *   npm run -s bench [-- --topology dev|cluster|both] [--only starts,lifecycle,reads,timers,mail]
 *                    [--quick] [--starts N] [--lifecycle N] [--read-cases N] [--list-cases N] [--timers N]
 *                    [--mails N] [--concurrency N] [--json] [--save]
 *
 * --save writes the run to bench/results/<date>-<topologies>.json with the commit and the machine.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../embedded/paths';
import type { Figure, FigureResult, Sizes } from './figure';
import { FIGURES } from './figures';
import { startTopology, type TopologyName } from './topology';

/**
 * Sized so both topologies finish in about 15 minutes on 2 cores. The read model gets the full sizes;
 * timers are fewer than the 10,000 (starting that many takes 17–28 minutes here: --timers 10000).
 */
const DEFAULT_SIZES: Sizes = {
  starts: 100,
  lifecycle: 50,
  readCases: 100_000,
  listCases: 1_000_000,
  timers: 300,
  mails: 500,
  concurrency: 16,
};
const QUICK_SIZES: Sizes = {
  starts: 40,
  lifecycle: 20,
  readCases: 5_000,
  listCases: 20_000,
  timers: 100,
  mails: 200,
  concurrency: 8,
};

interface Options {
  topologies: TopologyName[];
  only: string[];
  sizes: Sizes;
  json: boolean;
  save: boolean;
}

function parse(argv: string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = { ...(argv.includes('--quick') ? QUICK_SIZES : DEFAULT_SIZES) };
  const flags: [string, keyof Sizes][] = [
    ['--starts', 'starts'],
    ['--lifecycle', 'lifecycle'],
    ['--read-cases', 'readCases'],
    ['--list-cases', 'listCases'],
    ['--timers', 'timers'],
    ['--mails', 'mails'],
    ['--concurrency', 'concurrency'],
  ];
  for (const [flag, key] of flags) {
    const v = value(flag);
    if (v !== undefined) {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} 需要正整数, 收到 ${v}`);
      sizes[key] = n;
    }
  }
  const topology = value('--topology') ?? 'both';
  if (!['dev', 'cluster', 'both'].includes(topology))
    throw new Error(`--topology 只能是 dev、cluster 或 both`);
  const only = (value('--only') ?? Object.keys(FIGURES).join(',')).split(',').filter(Boolean);
  for (const f of only)
    if (!(f in FIGURES)) throw new Error(`未知的指标 ${f}; 可选: ${Object.keys(FIGURES).join(', ')}`);
  return {
    topologies: topology === 'both' ? ['dev', 'cluster'] : [topology as TopologyName],
    only,
    sizes,
    json: argv.includes('--json'),
    save: argv.includes('--save'),
  };
}

const say = (m: string) => process.stderr.write(`[bench] ${m}\n`);

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: projectRoot,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: projectRoot,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

/** One table per figure: each value's row with one column per topology. */
function table(results: Record<string, FigureResult[]>, topologies: TopologyName[]): string {
  const lines: string[] = [];
  const figures = new Map<string, Map<TopologyName, FigureResult>>();
  for (const t of topologies) {
    for (const r of results[t] ?? []) figures.set(r.figure, (figures.get(r.figure) ?? new Map()).set(t, r));
  }
  for (const [figure, byTopology] of figures) {
    lines.push('', `## ${figure}`);
    const keys = [...new Set([...byTopology.values()].flatMap((r) => Object.keys(r.values)))];
    const width = Math.max(12, ...keys.map((k) => k.length));
    lines.push(`  ${''.padEnd(width)}  ${topologies.map((t) => t.padStart(14)).join('  ')}`);
    for (const k of keys) {
      const cells = topologies.map((t) => String(byTopology.get(t)?.values[k] ?? '—').padStart(14));
      lines.push(`  ${k.padEnd(width)}  ${cells.join('  ')}`);
    }
    for (const t of topologies) {
      const r = byTopology.get(t);
      if (!r) continue;
      if (r.goal) lines.push(`  ${t}: goal ${r.goal.text}: ${r.goal.met ? 'met' : 'NOT met'}`);
      if (r.limitedBy) lines.push(`  ${t}: limited by ${r.limitedBy}`);
      for (const n of r.notes ?? []) lines.push(`  ${t}: ${n}`);
    }
  }
  return lines.join('\n');
}

async function runOn(name: TopologyName, o: Options): Promise<FigureResult[]> {
  const t = await startTopology(name, say);
  const out: FigureResult[] = [
    { figure: '0 start', values: { readySeconds: Number(t.readySeconds.toFixed(1)) } },
  ];
  try {
    for (const key of o.only) {
      const figure: Figure = FIGURES[key];
      const t0 = Date.now();
      say(`${name}: ${key}…`);
      try {
        const r = await figure(t, o.sizes, say);
        out.push(r);
      } catch (e) {
        out.push({
          figure: key,
          values: { error: String(e instanceof Error ? e.message : e).slice(0, 300) },
        });
      }
      say(`${name}: ${key} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  } finally {
    await t.stop();
  }
  return out;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  // the figures send thousands of requests a minute through a few demo keys: the per-client limit (600/min) is
  // a protection for production, not what is measured here
  process.env.RATE_LIMIT_PER_MINUTE ??= '1000000';
  const started = Date.now();
  const atStart = machine();
  const results: Record<string, FigureResult[]> = {};
  for (const name of o.topologies) results[name] = await runOn(name, o);
  const minutes = (Date.now() - started) / 60_000;
  const report = {
    date: new Date().toISOString(),
    commit: commit(),
    machine: atStart,
    sizes: o.sizes,
    topologies: {
      dev: 'npm start: Temporal CLI dev server (SQLite file, WAL), 1 worker, 1 API, embedded PostgreSQL',
      cluster:
        'npm run start:cluster: Temporal server 1.32.1 on embedded PostgreSQL (4 history shards), 2 workers, 2 API replicas behind the balancer',
    },
    minutes: Number(minutes.toFixed(1)),
    results,
  };
  if (o.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(`${table(results, o.topologies)}\n\n`);
    process.stdout.write(
      `bench: ${o.topologies.join(' + ')} in ${minutes.toFixed(1)} min (commit ${report.commit})\n`,
    );
  }
  if (o.save) {
    const dir = path.join(projectRoot, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${report.date.slice(0, 10)}-${o.topologies.join('-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    say(`saved ${path.relative(projectRoot, file)}`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    say(`failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
