import type { AppDeps } from '../app';
import type { ApiBuilder } from '../endpoint';

export function registerGrantRoutes(_api: ApiBuilder, _deps: AppDeps): void {
  // filled in by its owner (issue 5)
}
