/**
 * Supervision by level (第十条、第三十条): whose cases and departments an actor sees and acts on. The one home of
 * the rule; every use-case that reads or acts on cases or departments asks `scopeOf` once and applies it.
 *
 * - administrators, and supervisors attached to no department or to a 自治区 (REGION) department: everything;
 * - a supervisor attached to a 盟市 (LEAGUE_CITY) department: that department and every department whose parent
 *   chain reaches it (the 旗县 below it);
 * - a supervisor attached to a 旗县 (BANNER_COUNTY) department: that department only (nothing sits below a
 *   旗县 in the hierarchy, core/registry/hierarchy.ts);
 * - a department (its system or its people): its own department only; without one, nothing.
 *
 * A case is in scope when its responsible or its requester department is; a grant when its consumer or its
 * resource's provider is. An unknown supervising department gives an empty scope (fail closed).
 */
import { Prisma, type Db } from '../prisma/client';
import type { Actor } from './actor';
import { MAX_HOPS } from './registry/hierarchy';

export type Scope = 'all' | ReadonlySet<string>;

export async function scopeOf(db: Db, actor: Actor): Promise<Scope> {
  if (actor.role === 'ADMIN') return 'all';
  if (actor.role === 'DEPARTMENT') return new Set(actor.departmentId ? [actor.departmentId] : []);
  if (!actor.departmentId) return 'all';
  const own = await db.department.findUnique({
    where: { id: actor.departmentId },
    select: { id: true, level: true },
  });
  if (!own) return new Set();
  if (own.level === 'REGION') return 'all';
  // a 旗县 supervisor: its own department only
  if (own.level === 'BANNER_COUNTY') return new Set([own.id]);
  return new Set([own.id, ...(await descendantsOf(db, own.id))]);
}

/** Every department whose parent chain reaches `root` (the hierarchy is a few hundred rows: read once). */
async function descendantsOf(db: Db, root: string): Promise<string[]> {
  const rows = await db.department.findMany({
    where: { parentId: { not: null } },
    select: { id: true, parentId: true },
  });
  const children = new Map<string, string[]>();
  for (const r of rows) children.set(r.parentId!, [...(children.get(r.parentId!) ?? []), r.id]);
  const found = new Set<string>();
  let frontier = [root];
  for (let hops = 0; frontier.length > 0 && hops <= MAX_HOPS; hops++) {
    frontier = frontier.flatMap((id) => children.get(id) ?? []).filter((id) => id !== root && !found.has(id));
    for (const id of frontier) found.add(id);
  }
  return [...found];
}

/** Whether the scope covers everything (administrators, regional oversight). */
export const seesAll = (s: Scope): s is 'all' => s === 'all';

export const departmentInScope = (s: Scope, departmentId: string | null | undefined): boolean =>
  s === 'all' || (!!departmentId && s.has(departmentId));

export const caseInScope = (
  s: Scope,
  row: { requesterDepartmentId: string | null; responsibleDepartmentId: string },
): boolean =>
  departmentInScope(s, row.responsibleDepartmentId) || departmentInScope(s, row.requesterDepartmentId);

/** The department ids of a limited scope, for SQL (`= ANY(...)`); null for everything. */
export const scopeIds = (s: Scope): string[] | null => (s === 'all' ? null : [...s]);

/** Cases in scope, as a Prisma filter ({} for everything). */
export function caseScopeWhere(s: Scope): Prisma.CaseWhereInput {
  if (s === 'all') return {};
  const ids = [...s];
  return { OR: [{ requesterDepartmentId: { in: ids } }, { responsibleDepartmentId: { in: ids } }] };
}

/** Cases in scope, as a raw SQL condition on the case alias `c` (`true` for everything). */
export function caseScopeSql(s: Scope): Prisma.Sql {
  if (s === 'all') return Prisma.sql`true`;
  const ids = [...s];
  return Prisma.sql`(c."requesterDepartmentId" = ANY(${ids}::text[]) OR c."responsibleDepartmentId" = ANY(${ids}::text[]))`;
}
