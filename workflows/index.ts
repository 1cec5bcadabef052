// Everything the worker registers; the bundler starts from this file.
export { statutoryCase } from './statutory-case';
export { reportingRound } from './reporting-round';
