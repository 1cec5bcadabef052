/**
 * The access-decision rule (core/access-decision.ts) and who may ask (core/decide-access.ts) without a
 * database: every answer code once, and the refusals that are audited before anything is read.
 */
import {
  decideAccess,
  grantStateOf,
  type DecisionGrant,
  type DecisionResource,
} from '../../core/access-decision';
import { AccessDenied, type Actor } from '../../core/actor';
import { decideAndLog } from '../../core/decide-access';
import { DomainError } from '../../core/errors';
import type { Db } from '../../prisma/client';

const now = new Date('2026-05-01T02:00:00Z');
const DAY = 86_400_000;

const resource = (r: Partial<DecisionResource> = {}): DecisionResource => ({
  id: 'SB-0001',
  name: '社保参保信息',
  shareType: 'CONDITIONAL',
  providerDepartmentId: 'NMG-RST',
  status: 'PUBLISHED',
  ...r,
});

const grant = (g: Partial<DecisionGrant> = {}): DecisionGrant => ({
  id: 'g-1',
  caseId: 'P1-2026-0001',
  purpose: '城乡低保资格审核',
  scope: '姓名、参保状态',
  validUntil: null,
  createdAt: new Date(now.getTime() - 10 * DAY),
  revokedAt: null,
  revokeReason: null,
  ...g,
});

const ask = (
  r: DecisionResource,
  grants: DecisionGrant[] = [],
  purpose = '城乡低保资格审核',
  stopNotices: { effectiveAt: Date; withdrawnAt: Date | null; reason: string }[] = [],
) => decideAccess({ departmentId: 'NMG-MZT', resource: r, stopNotices, grants, purpose, now });

describe('第二十条 access decisions (pure)', () => {
  test('the provider uses its own data without a grant, even when sharing was stopped', () => {
    const d = decideAccess({
      departmentId: 'NMG-RST',
      resource: resource({ status: 'STOPPED' }),
      stopNotices: [],
      grants: [],
      purpose: '内部核对',
      now,
    });
    expect(d).toMatchObject({ allowed: true, code: 'own_resource', grant: null, basisGrantId: null });
  });

  test('an unconditional resource is allowed without a grant; a stopped one is not (第十八条)', () => {
    expect(ask(resource({ shareType: 'UNCONDITIONAL' })).code).toBe('unconditional');
    const stop = { effectiveAt: new Date(now.getTime() - DAY), withdrawnAt: null, reason: '系统迁移' };
    const d = ask(resource({ shareType: 'UNCONDITIONAL' }), [], '任意', [stop]);
    expect(d).toMatchObject({ allowed: false, code: 'resource_stopped' });
    expect(d.reason).toContain('系统迁移');
  });

  test('a grant allows its purpose only, however the purpose is spaced or its brackets are written', () => {
    const g = grant({ purpose: '城乡低保资格审核（复核）' });
    expect(ask(resource(), [g], ' 城乡低保资格审核(复核) ')).toMatchObject({
      allowed: true,
      code: 'granted',
      grant: g,
      basisGrantId: 'g-1',
    });
    const other = ask(resource(), [g], '招聘背景调查');
    expect(other).toMatchObject({
      allowed: false,
      code: 'purpose_not_granted',
      grantedPurposes: ['城乡低保资格审核（复核）'],
    });
  });

  test('a lapsed grant for the purpose is named: revoked with its reason, or expired', () => {
    const revoked = grant({ revokedAt: new Date(now.getTime() - DAY), revokeReason: '用途变更' });
    expect(ask(resource(), [revoked])).toMatchObject({ code: 'grant_revoked', basisGrantId: 'g-1' });
    expect(ask(resource(), [revoked]).reason).toContain('用途变更');
    const expired = grant({ validUntil: new Date(now.getTime() - DAY) });
    expect(ask(resource(), [expired])).toMatchObject({ code: 'grant_expired', basisGrantId: 'g-1' });
    const renewed = grant({ id: 'g-2', createdAt: new Date(now.getTime() - DAY) });
    expect(ask(resource(), [expired, renewed])).toMatchObject({ code: 'granted', basisGrantId: 'g-2' });
  });

  test('without any grant: no_grant (conditional, apply: 第十九条) or not_shared (negotiate)', () => {
    expect(ask(resource()).code).toBe('no_grant');
    expect(ask(resource({ shareType: 'NOT_SHARED' })).code).toBe('not_shared');
  });

  test('grant state: revoked before expired before resource stopped', () => {
    const past = new Date(now.getTime() - DAY);
    expect(grantStateOf({ revokedAt: past, validUntil: past }, true, now)).toBe('revoked');
    expect(grantStateOf({ revokedAt: null, validUntil: past }, true, now)).toBe('expired');
    expect(grantStateOf({ revokedAt: null, validUntil: null }, true, now)).toBe('resource_stopped');
    expect(grantStateOf({ revokedAt: null, validUntil: now }, false, now)).toBe('expired');
    expect(grantStateOf({ revokedAt: null, validUntil: null }, false, now)).toBe('active');
  });
});

describe('第二十二条 who may ask for an access decision (refused before anything is read)', () => {
  // any database access would throw: these refusals must come first
  const db = new Proxy({} as Db, {
    get(_, name) {
      throw new Error(`no database access expected (db.${String(name)})`);
    },
  });
  const input = { resource: 'SB-0001', purpose: '城乡低保资格审核' };

  test('a department system asks for its own department only; the refusal is an audited denial', async () => {
    const mzt: Actor = { clientId: 'c-mzt', role: 'DEPARTMENT', departmentId: 'NMG-MZT' };
    const e = await decideAndLog({ db }, mzt, { ...input, department: 'NMG-GAT' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AccessDenied);
    expect(e).toMatchObject({ kind: 'forbidden', code: 'forbidden', auditData: {} });
    const unbound: Actor = { clientId: 'c-x', role: 'DEPARTMENT' };
    await expect(decideAndLog({ db }, unbound, input)).rejects.toBeInstanceOf(AccessDenied);
  });

  test('a supervisor must name the department (400 department_required), and is not denied', async () => {
    const sup: Actor = { clientId: 'c-sup', role: 'SUPERVISOR' };
    const e = await decideAndLog({ db }, sup, input).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect(e).not.toBeInstanceOf(AccessDenied);
    expect(e).toMatchObject({ kind: 'invalid', code: 'department_required' });
  });
});
