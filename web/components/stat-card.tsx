/** A figure as a card (总览, 部门): label, value, an optional note; a link when it leads to the cases counted. */

/** `tone` colours the card while a counted value is above zero. */
export function StatCard(props: {
  label: string;
  value: number | string;
  href?: string;
  tone?: string;
  note?: string;
}) {
  const body = (
    <>
      <span class="stat-label">{props.label}</span>
      <span class="stat-value">{props.value}</span>
      {props.note && <span class="stat-note">{props.note}</span>}
    </>
  );
  const lit = props.tone && typeof props.value === 'number' && props.value > 0;
  const cls = `stat card${lit ? ` ${props.tone}` : ''}`;
  return props.href ? (
    <a class={cls} href={props.href}>
      {body}
    </a>
  ) : (
    <div class={cls}>{body}</div>
  );
}
