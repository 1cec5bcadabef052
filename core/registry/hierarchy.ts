/**
 * The department hierarchy (第十条): the region's catalog is kept at 自治区 level, the local ones by the 盟市,
 * whose 旗县 departments sit under them. Pure rules; departments.ts applies them to stored departments.
 */

export const LEVELS = ['REGION', 'LEAGUE_CITY', 'BANNER_COUNTY'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_NAME = { REGION: '自治区', LEAGUE_CITY: '盟市', BANNER_COUNTY: '旗县' } as const;

/**
 * Why `parent` cannot be the parent of a department at `level`, or undefined when it can. 自治区 departments may
 * sit under another 自治区 unit (e.g. an office under a bureau); 盟市 report to the region or stand alone; 旗县
 * always belong to a 盟市.
 */
export function hierarchyError(level: Level, parent: { level: Level } | null): string | undefined {
  if (level === 'BANNER_COUNTY') {
    return parent?.level === 'LEAGUE_CITY' ? undefined : '旗县级部门的上级必须是盟市级部门';
  }
  if (!parent || parent.level === 'REGION') return undefined;
  return `${LEVEL_NAME[level]}级部门的上级只能是自治区级部门或没有上级`;
}

/** Deeper than any real chain (three levels plus offices): a walk this long is already going round. */
export const MAX_HOPS = 100;

/**
 * Whether making `parentId` the parent of `id` would close a cycle: walking up from the new parent meets `id`
 * again. `parentOf` answers null for a department without parent (or unknown).
 */
export async function closesCycle(
  id: string,
  parentId: string | null,
  parentOf: (id: string) => string | null | Promise<string | null>,
): Promise<boolean> {
  for (let up = parentId, hops = 0; up; hops++) {
    if (up === id || hops > MAX_HOPS) return true;
    up = await parentOf(up);
  }
  return false;
}

export const cycleError = (id: string): string => `不能把 ${id} 设为其自身下级部门的下级 (形成循环)`;
