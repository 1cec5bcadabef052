import { z } from 'zod';
import { pageQuery, instantInput, instantOutput } from '../endpoint';
import { CATALOG_TYPES, CLASSIFICATIONS, STATUSES } from '../../core/registry/catalog';
import { LEVELS } from '../../core/registry/hierarchy';
import { LEGAL_BASIS_STATUSES, SHARE_TYPES } from '../../core/registry/legal-basis';

/**
 * Request and response shapes of the registry (issue 5): departments, their 专人 (第二十七条), the resource
 * catalog (第七、十三、十四条) and stop-sharing notices (第十八条). Responses describe the body exactly: the
 * contract test validates every answer against the OpenAPI generated from these.
 */

const text = (max = 2000) => z.string().trim().min(1, '不能为空').max(max);
/** Department and catalog codes, e.g. NMG-GAT, SB-0003. */
export const code = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]{0,63}$/, '应为 1–64 位编码: 字母或数字开头, 可含字母、数字、下划线、点和连字符');
const instant = instantInput;
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
/** Responses carry instants as ISO strings (UTC). */
const at = instantOutput;

const level = z
  .enum(LEVELS)
  .openapi({ description: 'REGION 自治区 / LEAGUE_CITY 盟市 / BANNER_COUNTY 旗县' });
const catalogType = z.enum(CATALOG_TYPES).openapi({ description: '目录类型 (第七条): 基础 / 主题 / 部门' });
const shareType = z
  .enum(SHARE_TYPES)
  .openapi({ description: '共享类型 (第十三条): 无条件共享 / 有条件共享 / 不予共享' });
const classification = z.enum(CLASSIFICATIONS).openapi({ description: '涉密 / 非涉密 (第六条)' });

// ---- departments ----------------------------------------------------------------------------------------

export const departmentParams = z.object({ id: code });

export const departmentListQuery = z
  .object({
    level: level.optional(),
    parent: code.optional().openapi({ description: '只列出该部门的直属下级' }),
    ...pageQuery,
  })
  .strict();

const flags = {
  isShareAuthority: z.boolean().openapi({ description: '共享主管部门 (第十九、三十六条)' }),
  isManagementDept: z
    .boolean()
    .openapi({ description: '政务信息资源统筹管理部门: 确认法律依据、接收停止共享报备 (第十四、十八条)' }),
  isCoordinationOffice: z.boolean().openapi({ description: '协调办公室 (督促检查, 第二十八条)' }),
};

/** What every department listing shows of a department. */
const departmentBase = {
  id: z.string(),
  name: z.string(),
  level,
  levelName: z.enum(['自治区', '盟市', '旗县']),
  parentId: z.string().nullable(),
};

export const departmentItem = z
  .object({
    ...departmentBase,
    ...flags,
    staffCount: z.number().int().openapi({ description: '当前在岗的共享工作专人数' }),
    noResponsibleStaff: z
      .boolean()
      .openapi({ description: '没有在岗专人 (第二十七条要求各部门明确专人负责共享工作)' }),
  })
  .openapi('Department');

export const departmentDetail = departmentItem
  .extend({ childIds: z.array(z.string()), createdAt: at })
  .openapi('DepartmentDetail');

export const createDepartmentBody = z
  .object({
    id: code,
    name: text(200),
    level,
    parentId: code.optional(),
    isShareAuthority: flags.isShareAuthority.default(false),
    isManagementDept: flags.isManagementDept.default(false),
    isCoordinationOffice: flags.isCoordinationOffice.default(false),
  })
  .strict();

export const updateDepartmentBody = z
  .object({
    name: text(200).optional(),
    parentId: code.nullable().optional().openapi({ description: 'null 表示没有上级' }),
    isShareAuthority: flags.isShareAuthority.optional(),
    isManagementDept: flags.isManagementDept.optional(),
    isCoordinationOffice: flags.isCoordinationOffice.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, '至少需要修改一项');

export const staffGapItem = z
  .object({
    ...departmentBase,
    lastStaffUntil: at.nullable().openapi({ description: '最后一位专人的离任时间; 从未登记过专人为 null' }),
  })
  .openapi('StaffGap');

export const staffGapQuery = z.object({ ...pageQuery }).strict();

// ---- staff ------------------------------------------------------------------------------------------------

export const staffParams = z.object({ id: code, staffId: z.string().uuid() });

export const staffListQuery = z
  .object({
    includeHistory: bool.optional().openapi({ description: 'true: 连同已离任的专人 (历史保留)' }),
  })
  .strict();

export const staffItem = z
  .object({
    id: z.string(),
    departmentId: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    title: z.string().nullable(),
    activeFrom: at,
    activeUntil: at.nullable(),
    current: z.boolean().openapi({ description: '此刻在岗' }),
  })
  .openapi('ResponsibleStaff');

export const staffList = z
  .object({
    departmentId: z.string(),
    noResponsibleStaff: z.boolean(),
    items: z.array(staffItem),
  })
  .openapi('StaffList');

export const addStaffBody = z
  .object({
    name: text(100),
    email: z.string().trim().email('邮箱格式不正确').max(254),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[\d\s()-]{3,32}$/, '电话号码格式不正确')
      .optional(),
    title: text(100).optional(),
    activeFrom: instant.optional().openapi({ description: '开始负责的时间, 默认为现在' }),
  })
  .strict();

export const endStaffBody = z
  .object({ at: instant.optional().openapi({ description: '离任时间, 默认为现在' }) })
  .strict();

export const endStaffResponse = z
  .object({
    staff: staffItem,
    noResponsibleStaff: z.boolean().openapi({ description: '离任后该部门已无在岗专人 (第二十七条)' }),
  })
  .openapi('StaffEnded');

// ---- resources --------------------------------------------------------------------------------------------

export const resourceParams = z.object({ id: code });
export const noticeParams = z.object({ id: code, noticeId: z.string().uuid() });

export const resourceListQuery = z
  .object({
    provider: code.optional().openapi({ description: '提供部门' }),
    shareType: shareType.optional(),
    catalogType: catalogType.optional(),
    classification: classification.optional(),
    status: z
      .enum(STATUSES)
      .optional()
      .openapi({ description: 'STOPPED 也包括停止共享报备已到生效时间的资源' }),
    ...pageQuery,
  })
  .strict();

export const stopNoticeItem = z
  .object({
    id: z.string(),
    resourceId: z.string(),
    reason: z.string(),
    filedAt: at,
    filedBy: z.string(),
    effectiveAt: at,
    withdrawnAt: at.nullable(),
    withdrawnBy: z.string().nullable(),
    state: z
      .enum(['pending', 'effective', 'withdrawn'])
      .openapi({ description: 'pending 未到生效时间 / effective 已生效 / withdrawn 已撤回' }),
  })
  .openapi('StopSharingNotice');

export const resourceItem = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    providerDepartmentId: z.string(),
    catalogType,
    catalogTypeName: z.enum(['基础', '主题', '部门']),
    shareType,
    shareTypeName: z.enum(['无条件共享', '有条件共享', '不予共享']),
    classification,
    legalBasis: z.string().nullable(),
    legalBasisStatus: z.enum(LEGAL_BASIS_STATUSES).openapi({
      description:
        '法律依据状态 (第十四条): not_required 无条件共享无需依据 / pending 待统筹管理部门确认 / confirmed 已确认 / rejected 已退回 / missing 缺少依据',
    }),
    legalBasisConfirmedAt: at.nullable(),
    legalBasisConfirmedBy: z.string().nullable(),
    legalBasisRejectedAt: at.nullable(),
    legalBasisRejectedBy: z.string().nullable(),
    legalBasisRejectReason: z.string().nullable(),
    catalogVersion: z.number().int(),
    status: z.enum(STATUSES),
    stopsAt: at.nullable().openapi({ description: '已报备、尚未生效的停止共享时间' }),
    createdAt: at,
    updatedAt: at,
  })
  .openapi('CatalogResource');

export const resourceDetail = resourceItem
  .extend({ stopNotices: z.array(stopNoticeItem) })
  .openapi('CatalogResourceDetail');

const legalBasisText = text(1000).openapi({ description: '法律依据 (有条件共享、不予共享必填, 第十四条)' });

export const createResourceBody = z
  .object({
    id: code,
    name: text(200),
    description: text(4000).optional(),
    providerDepartmentId: code
      .optional()
      .openapi({ description: '仅管理员必填; 部门业务系统登记的资源一律属于本部门' }),
    catalogType,
    shareType,
    classification: classification.default('NON_CLASSIFIED'),
    legalBasis: legalBasisText.optional(),
  })
  .strict();

export const updateResourceBody = z
  .object({
    name: text(200).optional(),
    description: text(4000).nullable().optional(),
    catalogType: catalogType.optional(),
    shareType: shareType.optional(),
    classification: classification.optional(),
    legalBasis: legalBasisText.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, '至少需要修改一项');

export const rejectLegalBasisBody = z.object({ reason: text(1000) }).strict();

export const fileStopNoticeBody = z
  .object({
    reason: text(2000).openapi({ description: '停止共享的正当理由 (第十八条)' }),
    effectiveAt: instant.openapi({ description: '停止共享的生效时间, 须至少提前 1 小时报备' }),
  })
  .strict();

export const stopNoticeListQuery = z
  .object({
    pending: bool.optional().openapi({ description: 'true: 只列出尚未生效且未撤回的报备' }),
    resource: code.optional(),
    ...pageQuery,
  })
  .strict();
