/**
 * The department hierarchy as a pure rule (core/registry/hierarchy.ts); the HTTP behaviour is in
 * test/api/registry.test.ts.
 */
import { closesCycle, hierarchyError, MAX_HOPS, type Level } from '../../core/registry/hierarchy';

describe('第十条 department hierarchy: 自治区 / 盟市 / 旗县', () => {
  const at = (level: Level) => ({ level });

  it('a 旗县 department always sits under a 盟市', () => {
    expect(hierarchyError('BANNER_COUNTY', at('LEAGUE_CITY'))).toBeUndefined();
    expect(hierarchyError('BANNER_COUNTY', null)).toBe('旗县级部门的上级必须是盟市级部门');
    expect(hierarchyError('BANNER_COUNTY', at('REGION'))).toBe('旗县级部门的上级必须是盟市级部门');
    expect(hierarchyError('BANNER_COUNTY', at('BANNER_COUNTY'))).toBe('旗县级部门的上级必须是盟市级部门');
  });

  it('自治区 and 盟市 departments stand alone or sit under a 自治区 unit', () => {
    for (const level of ['REGION', 'LEAGUE_CITY'] as const) {
      expect(hierarchyError(level, null)).toBeUndefined();
      expect(hierarchyError(level, at('REGION'))).toBeUndefined();
    }
    expect(hierarchyError('REGION', at('LEAGUE_CITY'))).toBe(
      '自治区级部门的上级只能是自治区级部门或没有上级',
    );
    expect(hierarchyError('LEAGUE_CITY', at('LEAGUE_CITY'))).toBe(
      '盟市级部门的上级只能是自治区级部门或没有上级',
    );
    expect(hierarchyError('LEAGUE_CITY', at('BANNER_COUNTY'))).toBe(
      '盟市级部门的上级只能是自治区级部门或没有上级',
    );
  });

  describe('cycles', () => {
    // A ← B ← C (C's parent is B, B's parent is A)
    const parents = new Map<string, string | null>([
      ['A', null],
      ['B', 'A'],
      ['C', 'B'],
      ['X', null],
    ]);
    const parentOf = (id: string) => parents.get(id) ?? null;

    it('a department may not move under itself or any of its subordinates', async () => {
      expect(await closesCycle('A', 'A', parentOf)).toBe(true);
      expect(await closesCycle('A', 'B', parentOf)).toBe(true);
      expect(await closesCycle('A', 'C', parentOf)).toBe(true);
      expect(await closesCycle('B', 'C', parentOf)).toBe(true);
    });

    it('moving elsewhere, or to no parent, is fine', async () => {
      expect(await closesCycle('C', 'A', parentOf)).toBe(false);
      expect(await closesCycle('B', 'X', parentOf)).toBe(false);
      expect(await closesCycle('A', null, parentOf)).toBe(false);
      expect(await closesCycle('A', 'unknown', parentOf)).toBe(false);
    });

    it('a chain already going round (stored around the rules) is refused, not walked forever', async () => {
      const loop = (id: string) => (id === 'P' ? 'Q' : 'P');
      let asked = 0;
      const counting = async (id: string) => (asked++, loop(id));
      expect(await closesCycle('Z', 'P', counting)).toBe(true);
      expect(asked).toBe(MAX_HOPS + 1);
    });
  });
});
