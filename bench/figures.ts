/** The figures `npm run -s bench` runs, in this order on each topology (reads last: it bulk-loads a million rows). */
import type { Figure } from './figure';
import { lifecycleFigure } from './figure-lifecycle';
import { figureReads } from './figure-reads';
import { startsFigure } from './figure-starts';

export const FIGURES: Record<string, Figure> = {
  starts: startsFigure,
  lifecycle: lifecycleFigure,
  reads: figureReads,
};
