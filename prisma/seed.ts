import { hashKey } from '../core/identity/key-material';
import { createAccount } from '../core/people/accounts';
import type { Db } from './client';

/** Demo registry: real-sounding 自治区 departments, their 专人, and resources of all three share types. */
export const DEMO_DEPARTMENTS = [
  {
    id: 'NMG-ZWFWJ',
    name: '内蒙古自治区政务服务与数据管理局',
    level: 'REGION',
    isShareAuthority: true,
    isManagementDept: true,
  },
  {
    id: 'NMG-XTBGS',
    name: '自治区政务信息资源整合共享专项工作协调办公室',
    level: 'REGION',
    isCoordinationOffice: true,
  },
  { id: 'NMG-GAT', name: '内蒙古自治区公安厅', level: 'REGION' },
  { id: 'NMG-SCJGJ', name: '内蒙古自治区市场监督管理局', level: 'REGION' },
  { id: 'NMG-RST', name: '内蒙古自治区人力资源和社会保障厅', level: 'REGION' },
  { id: 'NMG-MZT', name: '内蒙古自治区民政厅', level: 'REGION' },
  { id: 'NMG-ZRZYT', name: '内蒙古自治区自然资源厅', level: 'REGION' },
  { id: 'HHHT', name: '呼和浩特市人民政府', level: 'LEAGUE_CITY', parentId: undefined },
  { id: 'HHHT-XCQ', name: '呼和浩特市新城区人民政府', level: 'BANNER_COUNTY', parentId: 'HHHT' },
] as const;

const STAFF = [
  { departmentId: 'NMG-ZWFWJ', name: '王建国', email: 'wangjianguo@zwfwj.nmg.example' },
  { departmentId: 'NMG-XTBGS', name: '赵丽娟', email: 'zhaolijuan@xtbgs.nmg.example' },
  { departmentId: 'NMG-GAT', name: '巴特尔', email: 'bateer@gat.nmg.example' },
  { departmentId: 'NMG-SCJGJ', name: '李海燕', email: 'lihaiyan@scjgj.nmg.example' },
  { departmentId: 'NMG-RST', name: '张伟', email: 'zhangwei@rst.nmg.example' },
  { departmentId: 'NMG-MZT', name: '其其格', email: 'qiqige@mzt.nmg.example' },
  { departmentId: 'HHHT', name: '刘洋', email: 'liuyang@hhht.nmg.example' },
  // NMG-ZRZYT and HHHT-XCQ have no 专人 on purpose: the gap itself is a 第二十七条 finding to show
];

const RESOURCES = [
  {
    id: 'RK-0001',
    name: '人口基础信息',
    providerDepartmentId: 'NMG-GAT',
    catalogType: 'BASIC',
    shareType: 'UNCONDITIONAL',
  },
  {
    id: 'FR-0001',
    name: '法人单位登记信息',
    providerDepartmentId: 'NMG-SCJGJ',
    catalogType: 'BASIC',
    shareType: 'UNCONDITIONAL',
  },
  {
    id: 'SB-0003',
    name: '社会保险参保缴费信息',
    providerDepartmentId: 'NMG-RST',
    catalogType: 'DEPARTMENTAL',
    shareType: 'CONDITIONAL',
    legalBasis: '《中华人民共和国社会保险法》第八十一条',
  },
  {
    id: 'MZ-0012',
    name: '城乡低保对象信息',
    providerDepartmentId: 'NMG-MZT',
    catalogType: 'THEMATIC',
    shareType: 'CONDITIONAL',
    legalBasis: '《社会救助暂行办法》第六十一条',
  },
  {
    id: 'GA-0107',
    name: '出入境证件办理信息',
    providerDepartmentId: 'NMG-GAT',
    catalogType: 'DEPARTMENTAL',
    shareType: 'NOT_SHARED',
    legalBasis: '《中华人民共和国出境入境管理法》第八十五条',
  },
  {
    id: 'ZR-0021',
    name: '不动产登记信息',
    providerDepartmentId: 'NMG-ZRZYT',
    catalogType: 'BASIC',
    shareType: 'UNCONDITIONAL',
  },
] as const;

/** Idempotent: inserts what is missing, never overwrites what a user changed. */
export async function seedRegistry(db: Db): Promise<void> {
  for (const d of DEMO_DEPARTMENTS) {
    await db.department.upsert({ where: { id: d.id }, create: { ...d }, update: {} });
  }
  for (const s of STAFF) {
    const exists = await db.staff.findFirst({ where: { departmentId: s.departmentId, email: s.email } });
    if (!exists) await db.staff.create({ data: { ...s, activeFrom: new Date('2024-01-01T00:00:00+08:00') } });
  }
  for (const r of RESOURCES) {
    const confirmed =
      'legalBasis' in r
        ? { legalBasisConfirmedAt: new Date('2024-03-01T09:00:00+08:00'), legalBasisConfirmedBy: 'NMG-ZWFWJ' }
        : {};
    await db.resource.upsert({ where: { id: r.id }, create: { ...r, ...confirmed }, update: {} });
  }
}

/**
 * Demo credentials for the embedded default only (`npm start` seeds them on a loopback HOST unless
 * SEED_DEMO=false, elsewhere only with SEED_DEMO=true: embedded/exposure.ts): fixed keys so the README's curl
 * examples work as written.
 */
export const DEMO_CLIENTS = [
  {
    key: 'gx_0000000000a1_demo-admin-local-only',
    name: '演示: 系统管理员',
    role: 'ADMIN',
    departmentId: undefined,
  },
  {
    key: 'gx_0000000000b1_demo-supervisor-local-only',
    name: '演示: 协调办公室督促检查组',
    role: 'SUPERVISOR',
    departmentId: 'NMG-XTBGS',
  },
  {
    key: 'gx_0000000000c1_demo-rst-local-only',
    name: '演示: 人社厅业务系统',
    role: 'DEPARTMENT',
    departmentId: 'NMG-RST',
  },
  {
    key: 'gx_0000000000c2_demo-mzt-local-only',
    name: '演示: 民政厅业务系统',
    role: 'DEPARTMENT',
    departmentId: 'NMG-MZT',
  },
  {
    key: 'gx_0000000000c3_demo-gat-local-only',
    name: '演示: 公安厅业务系统',
    role: 'DEPARTMENT',
    departmentId: 'NMG-GAT',
  },
  {
    key: 'gx_0000000000c4_demo-zwfwj-local-only',
    name: '演示: 政务服务与数据管理局系统',
    role: 'DEPARTMENT',
    departmentId: 'NMG-ZWFWJ',
  },
  {
    // supervision by level (第十条): sees 呼和浩特市 and its 旗县 only (core/supervision-scope.ts)
    key: 'gx_0000000000b2_demo-hhht-supervisor-local-only',
    name: '演示: 呼和浩特市督促检查',
    role: 'SUPERVISOR',
    departmentId: 'HHHT',
  },
] as const;

export async function seedDemoClients(db: Db): Promise<void> {
  for (const c of DEMO_CLIENTS) {
    const prefix = c.key.split('_')[1];
    if (await db.apiKey.findUnique({ where: { prefix } })) continue;
    await db.apiClient.create({
      data: {
        name: c.name,
        role: c.role,
        departmentId: c.departmentId,
        keys: { create: { prefix, hash: hashKey(c.key) } },
      },
    });
  }
}

/** Demo people for the workbench; like the demo keys, printed by `npm start` and never seeded on a public address. */
export const DEMO_ACCOUNTS = [
  { username: 'duban', password: 'duban-demo-2026', displayName: '督促检查组 王督办', role: 'SUPERVISOR' },
  { username: 'admin', password: 'admin-demo-2026', displayName: '系统管理员', role: 'ADMIN' },
  {
    username: 'rst',
    password: 'rst-demo-2026',
    displayName: '人社厅 共享专人',
    role: 'DEPARTMENT',
    departmentId: 'NMG-RST',
  },
  {
    username: 'mzt',
    password: 'mzt-demo-2026',
    displayName: '民政厅 共享专人',
    role: 'DEPARTMENT',
    departmentId: 'NMG-MZT',
  },
  {
    // a 盟市 supervisor (第十条): 呼和浩特市 and its 旗县 only
    username: 'hhht',
    password: 'hhht-demo-2026',
    displayName: '呼和浩特市 督办',
    role: 'SUPERVISOR',
    departmentId: 'HHHT',
  },
] as const;

export async function seedDemoAccounts(db: Db): Promise<void> {
  const seeder = { clientId: 'system:seed', role: 'ADMIN' } as const;
  for (const a of DEMO_ACCOUNTS) {
    if (await db.webUser.findUnique({ where: { username: a.username } })) continue;
    await createAccount({ db }, seeder, { ...a });
  }
}
