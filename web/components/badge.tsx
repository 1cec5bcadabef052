/** A small coloured label (app.css .badge): red for what is late or missing, yellow for caution, green for fine. */
import type { ComponentChildren } from 'preact';

export type Tone = 'red' | 'yellow' | 'green';

export function Badge(props: { tone?: Tone; title?: string; children: ComponentChildren }) {
  return (
    <span class={props.tone ? `badge ${props.tone}` : 'badge'} title={props.title}>
      {props.children}
    </span>
  );
}
