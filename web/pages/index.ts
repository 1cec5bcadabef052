/** Every workbench page, each in its own module; the router mounts them behind login and CSRF. */
import express, { type Router } from 'express';
import type { AppDeps } from '../../api/deps';
import { overviewPage } from './overview';

export function pageRoutes(deps: AppDeps): Router {
  const r = express.Router();
  overviewPage(r, deps);
  return r;
}
