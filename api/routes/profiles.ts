import { z } from 'zod';
import type { AppDeps } from '../deps';
import { ALL_ROLES, type ApiBuilder } from '../endpoint';
import { Problem } from '../problem';
import { DEFAULT_PROFILE_ID, listProfiles, type JurisdictionProfile } from '../../calendar/profiles';

const phase = z.object({ phase: z.string(), workingDays: z.number().int(), label: z.string() });
const profileSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    region: z.string(),
    basis: z.string().openapi({ description: '时限所依据的文件文号' }),
    isDefault: z.boolean(),
    procedures: z.array(
      z.object({ code: z.string(), name: z.string(), article: z.string(), phases: z.array(phase) }),
    ),
    reminders: z.object({ atHalfPeriod: z.boolean(), oneWorkingDayBefore: z.boolean() }),
    regionalRestDays: z.array(z.unknown()),
    maxBackdateWorkingDays: z
      .number()
      .int()
      .openapi({ description: '部门系统申报的受理时间 (receivedAt) 最多可早于登记时间的工作日数' }),
    supervisionGraceWorkingDays: z.number().int().openapi({
      description: '督办宽限期: 逾期超过这些工作日, 督办工作台把责任部门亮红灯',
    }),
  })
  .openapi('JurisdictionProfile');

function view(p: JurisdictionProfile) {
  return {
    id: p.id,
    name: p.name,
    region: p.region,
    basis: p.basis,
    isDefault: p.id === DEFAULT_PROFILE_ID,
    procedures: Object.values(p.procedures).map((x) => ({ ...x, phases: [...x.phases] })),
    reminders: p.reminders,
    regionalRestDays: [...p.regionalRestDays],
    maxBackdateWorkingDays: p.maxBackdateWorkingDays,
    supervisionGraceWorkingDays: p.supervisionGraceWorkingDays,
  };
}

/**
 * Jurisdiction profiles (the statutory durations per procedure) are read-only over HTTP: running workflows
 * replay against them, so a change is a reviewed code change with a new profile id, never an edit in place.
 */
export function registerProfileRoutes(api: ApiBuilder, _deps: AppDeps): void {
  api.add({
    method: 'get',
    path: '/profiles',
    operationId: 'listProfiles',
    summary: '辖区时限配置: 各程序的法定工作日数及依据条款',
    tag: 'calendar',
    roles: ALL_ROLES,
    responses: { 200: { description: '全部配置', schema: z.object({ items: z.array(profileSchema) }) } },
    handle({ res }) {
      res.json({ items: listProfiles().map(view) });
    },
  });
  api.add({
    method: 'get',
    path: '/profiles/{id}',
    operationId: 'getProfile',
    summary: '读取一个辖区时限配置',
    tag: 'calendar',
    roles: ALL_ROLES,
    params: z.object({ id: z.string().max(64) }),
    responses: { 200: { description: '配置', schema: profileSchema } },
    problems: { 404: '没有该配置 (profile_not_found)' },
    handle({ res, params }) {
      const p = listProfiles().find((x) => x.id === params.id);
      if (!p) throw new Problem(404, 'profile_not_found', `没有辖区配置 ${params.id}`);
      res.json(view(p));
    },
  });
}
