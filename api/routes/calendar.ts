import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z, type ZodType, type ZodTypeDef } from 'zod';
import type { AppDeps } from '../app';
import { principalOf, requireRole } from '../auth';
import { Problem, fromZod } from '../problem';
import { CalendarInputError } from '../../calendar/errors';
import { DEFAULT_PROFILE_ID, getProfile } from '../../calendar/profiles';
import { betweenResponse, deadlineResponse } from '../../calendar/service';
import {
  CalendarStoreError,
  dbCalendar,
  deleteCalendarYear,
  describeCalendarYear,
  getCalendarYearVersion,
  loadCalendarYear,
} from '../../calendar/store';

function parse<O>(schema: ZodType<O, ZodTypeDef, unknown>, input: unknown): O {
  const r = schema.safeParse(input);
  if (!r.success) throw fromZod(r.error);
  return r.data;
}

/** Calendar errors become problem+json with their own machine code; never a 500 for bad input. */
function toProblem(e: unknown): unknown {
  if (e instanceof CalendarStoreError) {
    return new Problem(e.status, e.code, e.detail, {
      ...(e.errors
        ? { errors: e.errors.map((x) => ({ field: x.path, code: x.code, message: x.message })) }
        : {}),
      ...e.extra,
    });
  }
  if (e instanceof CalendarInputError)
    return new Problem(400, e.code, e.detail, e.field ? { field: e.field } : {});
  return e;
}

function wrap(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch((e: unknown) => next(toProblem(e)));
  };
}

const single = z.string().max(100);
const bool = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const deadlineQuery = z
  .object({
    from: single,
    workingDays: single,
    profile: single.optional(),
    explain: bool,
  })
  .strict();
const betweenQuery = z.object({ from: single, to: single, profile: single.optional() }).strict();
const yearParam = z.object({ year: z.string().regex(/^\d{4}$/, '年份应为四位数字') });
const versionParam = yearParam.extend({ version: z.string().regex(/^\d{1,6}$/, '版本号应为正整数') });
const yearQuery = z.object({ profile: single.optional() }).strict();
const putQuery = z.object({ dryRun: bool }).strict();

function profileId(p: string | undefined): string {
  return getProfile(p ?? DEFAULT_PROFILE_ID).id;
}

export function calendarRoutes(deps: AppDeps): Router {
  const router = Router();
  const storeDeps = { db: deps.db, temporal: deps.temporal, calendars: deps.calendars };

  router.get(
    '/calendar/deadline',
    wrap(async (req, res) => {
      const q = parse(deadlineQuery, req.query);
      const calendar = await dbCalendar(storeDeps, profileId(q.profile));
      res.json(
        deadlineResponse(calendar, {
          from: q.from,
          workingDays: q.workingDays,
          profile: q.profile,
          explain: q.explain,
        }),
      );
    }),
  );

  router.get(
    '/calendar/working-days',
    wrap(async (req, res) => {
      const q = parse(betweenQuery, req.query);
      const calendar = await dbCalendar(storeDeps, profileId(q.profile));
      res.json(betweenResponse(calendar, { from: q.from, to: q.to }));
    }),
  );

  router.get(
    '/calendar/:year',
    wrap(async (req, res) => {
      const { year } = parse(yearParam, req.params);
      const q = parse(yearQuery, req.query);
      res.json(await describeCalendarYear(storeDeps, year, profileId(q.profile)));
    }),
  );

  router.get(
    '/calendar/:year/versions/:version',
    wrap(async (req, res) => {
      const p = parse(versionParam, req.params);
      res.json(await getCalendarYearVersion(storeDeps, p.year, p.version));
    }),
  );

  router.put(
    '/calendar/:year',
    requireRole(deps.db, 'ADMIN'),
    wrap(async (req, res) => {
      const { year } = parse(yearParam, req.params);
      const q = parse(putQuery, req.query);
      if (
        req.body === undefined ||
        req.body === null ||
        typeof req.body !== 'object' ||
        Array.isArray(req.body)
      )
        throw new Problem(400, 'invalid_arrangement', '请求体应为 JSON 对象（年度节假日安排）');
      const result = await loadCalendarYear(storeDeps, {
        year: Number(year),
        arrangement: req.body,
        loadedBy: principalOf(res).clientId,
        dryRun: q.dryRun,
      });
      res.status(q.dryRun ? 200 : 201).json(result);
    }),
  );

  router.delete(
    '/calendar/:year',
    requireRole(deps.db, 'ADMIN'),
    wrap(async (req, res) => {
      const { year } = parse(yearParam, req.params);
      res.json(
        await deleteCalendarYear(storeDeps, { year: Number(year), deletedBy: principalOf(res).clientId }),
      );
    }),
  );

  return router;
}
