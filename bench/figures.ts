/**
 * The figures `npm run -s bench` runs, in this order on each topology: the mail and timer figures before the
 * reads, which bulk-load a million rows into the read model.
 */
import type { Figure } from './figure';
import { lifecycleFigure } from './figure-lifecycle';
import { mailFigure } from './figure-mail';
import { figureReads } from './figure-reads';
import { startsFigure } from './figure-starts';
import { timersFigure } from './figure-timers';

export const FIGURES: Record<string, Figure> = {
  starts: startsFigure,
  lifecycle: lifecycleFigure,
  mail: mailFigure,
  timers: timersFigure,
  reads: figureReads,
};
