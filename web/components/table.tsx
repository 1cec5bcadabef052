/**
 * The workbench's tables: a caption, header cells with scope="col" (numbers right-aligned), and a box that
 * scrolls sideways on a tablet instead of squeezing or widening the page. With `empty`, a table with no rows
 * is that sentence instead.
 */
import type { ComponentChildren, VNode } from 'preact';

export interface Column {
  label: ComponentChildren;
  /** a number column (right-aligned) */
  num?: boolean;
}

/** A number column's header. */
export const num = (label: ComponentChildren): Column => ({ label, num: true });

export function ScrollTable<T>(props: {
  caption: ComponentChildren;
  columns: (string | Column)[];
  rows: readonly T[];
  row: (item: T, index: number) => VNode;
  class?: string;
  /** shown (muted) instead of the table when there are no rows */
  empty?: ComponentChildren;
}) {
  if (props.empty !== undefined && props.rows.length === 0) return <Empty>{props.empty}</Empty>;
  return (
    <div class="table-scroll">
      <table class={props.class}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) =>
              typeof c === 'string' ? (
                <th scope="col">{c}</th>
              ) : (
                <th scope="col" class={c.num ? 'num' : undefined}>
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{props.rows.map(props.row)}</tbody>
      </table>
    </div>
  );
}

/** What a section says when it has nothing to list. */
export function Empty(props: { children: ComponentChildren }) {
  return <p class="muted">{props.children}</p>;
}
