/** 案件详情: the grants the case created when sharing was agreed (第二十条). */
import type { CaseDetail } from '../../../core/oversight/case-detail';
import { Badge } from '../../components/badge';
import { Section } from '../../components/section';
import { ScrollTable } from '../../components/table';
import { chineseDateTime } from '../../format';

export function Grants(props: { d: CaseDetail }) {
  const { grants, departmentNames } = props.d;
  return (
    <Section id="grants" title="共享授权">
      <ScrollTable
        caption="本案同意共享后产生的授权 (第二十条)"
        columns={['信息资源', '使用部门', '范围', '用途', '有效期至', '授权时间', '状态']}
        rows={grants}
        empty="本案未产生共享授权。"
        row={(g) => (
          <tr>
            <td>{g.resourceId}</td>
            <td>{departmentNames[g.consumerDepartmentId] ?? g.consumerDepartmentId}</td>
            <td>{g.scope}</td>
            <td>{g.purpose}</td>
            <td>{g.validUntil ? chineseDateTime(g.validUntil) : '长期'}</td>
            <td>{chineseDateTime(g.createdAt)}</td>
            <td>
              {g.revokedAt ? (
                <Badge tone="red">
                  已于 {chineseDateTime(g.revokedAt)} 撤销{g.revokeReason ? `: ${g.revokeReason}` : ''}
                </Badge>
              ) : (
                <Badge tone="green">有效</Badge>
              )}
            </td>
          </tr>
        )}
      />
    </Section>
  );
}
