// Draws every chart of the page with ECharts (served from the package, /dashboard/assets/echarts.min.js).
// The page puts each chart's option in <script type="application/json" class="chart-data" data-for="ID">,
// next to an empty <div id="ID" class="chart">; no inline script, no inline style (CSP).
(function () {
  'use strict';

  // The server escapes the JSON like any other text (&quot; &lt; &gt; &amp;); a <textarea> decodes the
  // entities without parsing markup.
  function decode(text) {
    var t = document.createElement('textarea');
    t.innerHTML = text;
    return t.value;
  }

  function draw() {
    if (typeof window.echarts === 'undefined') return;
    var charts = [];
    var blocks = document.querySelectorAll('script.chart-data[data-for]');
    for (var i = 0; i < blocks.length; i++) {
      var el = document.getElementById(blocks[i].getAttribute('data-for'));
      if (!el) continue;
      var option;
      try {
        option = JSON.parse(decode(blocks[i].textContent));
      } catch {
        continue;
      }
      var rows = Number(el.getAttribute('data-rows'));
      if (rows > 0) el.style.height = Math.max(240, 80 + rows * 30) + 'px';
      // a driven browser (tests taking screenshots) gets the finished chart, not a frame of its animation
      if (window.navigator.webdriver) option.animation = false;
      var chart = window.echarts.init(el, null, { locale: 'ZH' });
      chart.setOption(option);
      charts.push(chart);
    }
    var pending;
    window.addEventListener('resize', function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        for (var j = 0; j < charts.length; j++) charts[j].resize();
      }, 100);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
  else draw();
})();
