/**
 * What every benchmark figure returns, so `npm run -s bench` prints them side by side for both topologies and
 * writes them as JSON. Values are plain numbers with their unit in the key (e.g. `startsPerSecond`, `p99Ms`).
 */
import type { RunningTopology } from './topology';

export interface Sizes {
  /** figure 1: cases started through the API, and raw workflow starts, each */
  starts: number;
  /** figure 2: cases taken through their whole life */
  lifecycle: number;
  /** figure 3: cases in the read model for GET /cases/{id} */
  readCases: number;
  /** figure 3: cases in the read model for the overdue and due-soon lists */
  listCases: number;
  /** figure 4: open cases due in the same minute */
  timers: number;
  /** figure 5: mails through the outbox */
  mails: number;
  /** concurrent clients where a figure uses several */
  concurrency: number;
}

export interface FigureResult {
  /** e.g. "1 starts" */
  figure: string;
  values: Record<string, number | string>;
  /** the goal, in words, and whether this run met it (undefined: no goal) */
  goal?: { text: string; met: boolean };
  /** what limits the figure, with the evidence (CPU per role, task latency, query plan) */
  limitedBy?: string;
  notes?: string[];
}

export type Say = (m: string) => void;

export type Figure = (t: RunningTopology, sizes: Sizes, say: Say) => Promise<FigureResult>;
