/** Public surface of the working-day calendar. */
export * from './arrangement';
export * from './bundled';
export * from './diff';
export * from './engine';
export * from './errors';
export * from './fallback';
export * from './profiles';
export * from './service';
export { parseDateOrInstant } from './dates';
