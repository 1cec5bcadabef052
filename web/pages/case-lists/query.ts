/**
 * The case lists' filter as the URL carries it (the URL is the filter, so it can be shared): parsed from the
 * query with DomainError ('invalid') for anything else, and written back with the defaults left out.
 */
import type { Request } from 'express';
import {
  CASE_LIST_SORTS,
  DEFAULT_WITHIN,
  DEPARTMENT_LEVELS,
  MAX_WITHIN,
  type CaseListFilter,
  type CaseListKind,
  type CaseListSort,
  type DepartmentLevel,
} from '../../../core/oversight/case-lists';
import { DomainError } from '../../../core/errors';
import { PROCEDURE_CODES, type ProcedureCode } from '../../../procedures';

export const invalid = (detail: string) => new DomainError('invalid', 'invalid_filter', detail);

/** One query value: absent or empty is unset, a repeated parameter is refused. */
export function one(q: Request['query'], name: string): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(`参数 ${name} 只能出现一次`);
  return v.trim() || undefined;
}

function pick<T extends string>(
  q: Request['query'],
  name: string,
  allowed: readonly T[],
  what: string,
): T | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw invalid(`${what}无效`);
  return v as T;
}

/** The filter as the form and links write it; DomainError ('invalid') for anything else. */
export function filterOf(
  kind: CaseListKind,
  q: Request['query'],
): { filter: CaseListFilter; cursor?: string } {
  const department = one(q, 'department');
  if (department !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(department)) throw invalid('部门编码无效');
  const withinRaw = one(q, 'within');
  const within = withinRaw === undefined ? DEFAULT_WITHIN : Number(withinRaw);
  if (!/^\d{1,2}$/.test(withinRaw ?? '3') || within < 1 || within > MAX_WITHIN)
    throw invalid(`到期范围须为 1 至 ${MAX_WITHIN} 个工作日`);
  const cursor = one(q, 'cursor');
  if (cursor !== undefined && cursor.length > 200) throw invalid('分页游标 (cursor) 无效');
  return {
    filter: {
      kind,
      department,
      procedure: pick<ProcedureCode>(q, 'procedure', PROCEDURE_CODES, '程序'),
      level: pick<DepartmentLevel>(q, 'level', DEPARTMENT_LEVELS, '层级'),
      from: one(q, 'from'),
      to: one(q, 'to'),
      sort: pick<CaseListSort>(q, 'sort', CASE_LIST_SORTS, '排序方式') ?? 'deadline',
      within,
    },
    cursor,
  };
}

/** The filter as URL parameters (defaults left out), so a link or a pushed URL reproduces it. */
export function paramsOf(f: CaseListFilter, cursor?: string | null): URLSearchParams {
  const p = new URLSearchParams();
  if (f.department) p.set('department', f.department);
  if (f.procedure) p.set('procedure', f.procedure);
  if (f.level) p.set('level', f.level);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.kind === 'due-soon' && f.within !== DEFAULT_WITHIN) p.set('within', String(f.within));
  if (f.sort !== 'deadline') p.set('sort', f.sort);
  if (cursor) p.set('cursor', cursor);
  return p;
}

export const withQuery = (path: string, p: URLSearchParams) => (p.size > 0 ? `${path}?${p}` : path);
