/** 亮灯: a department's traffic light, and the rule in words (总览, 部门, 统计). */
import { LIGHT_LABEL, type Light } from '../../core/oversight/lights';

export function LightBadge(props: { light: Light }) {
  return <span class={`badge light ${props.light}`}>{LIGHT_LABEL[props.light]}</span>;
}

export function LightRule(props: { grace: number }) {
  return (
    <p class="muted light-rule">
      绿灯: 无逾期案件; 黄灯: 有逾期案件; 红灯: 有案件逾期超过 {props.grace} 个工作日 (督办宽限期)
      或整改通知逾期。
    </p>
  );
}

/** 专人 in post (第二十七条): how many, or a red badge for none. */
export function StaffInPost(props: { count: number }) {
  return <>{props.count > 0 ? `${props.count} 人` : <span class="badge red">无专人</span>}</>;
}
