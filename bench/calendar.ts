/**
 * Deadline throughput: indexed engine vs a naive day-by-day loop, same inputs, same run.
 * Random receipt dates 2018–2026, N in 1..30. Prints figures; not a test. The suite's figure 5 calls
 * measureDeadlines (bench/figure-mail.ts).
 *   npx tsx bench/calendar.ts [iterations]
 */
import { effectiveHolidays } from '../calendar/arrangement';
import { loadBundledCalendar, loadOfficialArrangements } from '../calendar/bundled';
import { fallbackHolidays } from '../calendar/fallback';

const calendar = loadBundledCalendar();

/** The obvious implementation: Map of overrides, step one calendar day at a time. */
function buildNaive() {
  const off = new Map<string, boolean>(); // date → working?
  const official = loadOfficialArrangements();
  const officialYears = new Set(official.map((a) => a.year));
  for (let y = 2015; y <= 2040; y++) {
    if (!officialYears.has(y)) for (const h of fallbackHolidays(y)) off.set(h.date, false);
  }
  for (const a of official) {
    for (const b of effectiveHolidays(a)) {
      b.restDays.forEach((d) => off.set(d, false));
      b.workDays.forEach((d) => off.set(d, true));
    }
  }
  return (from: string, n: number): string => {
    let t = Date.parse(`${from}T00:00:00Z`);
    let k = 0;
    let d = from;
    while (k < n) {
      t += 86_400_000;
      d = new Date(t).toISOString().slice(0, 10);
      const o = off.get(d);
      const wd = new Date(t).getUTCDay();
      if (o ?? (wd !== 0 && wd !== 6)) k++;
    }
    return d;
  };
}
const naive = buildNaive();

// Inputs generated up front so both runs see the same work and RNG cost is not measured.
const first = Date.parse('2018-01-01T00:00:00Z');
const days = (Date.parse('2026-12-31T00:00:00Z') - first) / 86_400_000 + 1;
let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
const POOL = 65_536;
const froms: string[] = [];
const ns: number[] = [];
for (let i = 0; i < POOL; i++) {
  froms.push(new Date(first + Math.floor(rand() * days) * 86_400_000).toISOString().slice(0, 10));
  ns.push(1 + Math.floor(rand() * 30));
}

// Same answers, or the comparison is meaningless.
for (let i = 0; i < 5_000; i++) {
  const a = calendar.deadline(froms[i], ns[i]).deadline;
  const b = naive(froms[i], ns[i]);
  if (a !== b) throw new Error(`mismatch ${froms[i]} +${ns[i]}: index ${a}, naive ${b}`);
}

function measure(
  label: string,
  iterations: number,
  f: (i: number) => string,
  log: (m: string) => void,
): number {
  let sink = 0;
  for (let i = 0; i < Math.min(iterations, 50_000); i++) sink += f(i & (POOL - 1)).length; // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += f(i & (POOL - 1)).length;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = iterations / secs;
  log(
    `${label.padEnd(22)} ${iterations.toLocaleString('en-US').padStart(11)} deadlines in ${secs.toFixed(3)} s = ${Math.round(rate).toLocaleString('en-US').padStart(11)} /s  (sink ${sink % 10})`,
  );
  return rate;
}

/** Deadlines per second, indexed engine and the naive loop, on the same inputs (both pure CPU, no I/O). */
export function measureDeadlines(
  iterations: number,
  log: (m: string) => void = () => undefined,
  naiveIterations = Math.max(50_000, Math.floor(iterations / 10)),
): { indexedPerSecond: number; naivePerSecond: number; calendarVersion: string } {
  log(`calendar ${calendar.calendarVersion}; from 2018-01-01..2026-12-31, N 1..30; node ${process.version}`);
  const indexed = measure(
    'indexed (deadline())',
    iterations,
    (i) => calendar.deadline(froms[i], ns[i]).dueAt,
    log,
  );
  const naivePerSecond = measure('naive day-by-day', naiveIterations, (i) => naive(froms[i], ns[i]), log);
  return { indexedPerSecond: indexed, naivePerSecond, calendarVersion: calendar.calendarVersion };
}

if (require.main === module) {
  const { indexedPerSecond: indexed, naivePerSecond: base } = measureDeadlines(
    Number(process.argv[2] ?? 1_000_000),
    console.log,
  );
  console.log(
    `ratio indexed/naive: ${(indexed / base).toFixed(1)}x; target >= 500,000/s: ${indexed >= 500_000 ? 'met' : 'NOT met'}`,
  );
}
