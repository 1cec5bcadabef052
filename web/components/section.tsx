/** A page section titled by its h2, which names it for assistive technology (aria-labelledby). */
import type { ComponentChildren } from 'preact';

export function Section(props: { id: string; title: ComponentChildren; children: ComponentChildren }) {
  const h = `${props.id}-h`;
  return (
    <section aria-labelledby={h}>
      <h2 id={h}>{props.title}</h2>
      {props.children}
    </section>
  );
}
