/**
 * Charts without inline script: the container and its ECharts option as JSON for assets/charts.js. The text
 * is escaped like any other (preact), so charts.js decodes the entities before JSON.parse.
 */

/** `rows`: one bar per row in a horizontal chart, which charts.js makes tall enough for. */
export function Chart(props: { id: string; label: string; option: object; rows?: number }) {
  return (
    <figure class="chart-figure">
      <div
        id={props.id}
        class="chart"
        role="img"
        aria-label={props.label}
        data-rows={props.rows === undefined ? undefined : String(props.rows)}
      ></div>
      <figcaption>{props.label}</figcaption>
      <script type="application/json" class="chart-data" data-for={props.id}>
        {JSON.stringify(props.option)}
      </script>
    </figure>
  );
}

/** Once per page that has charts. */
export function ChartScripts() {
  return (
    <>
      <script src="/dashboard/assets/echarts.min.js" defer></script>
      <script src="/dashboard/assets/charts.js" defer></script>
    </>
  );
}
