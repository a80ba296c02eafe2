// Readiness on a unit's page: one horizontal bar per element of the latest final evaluation,
// its score drawn over its maximum (weak elements in orange). Data from #readiness-chart-data
// (categories, scores, maximums, weak, translated labels). Once drawn, the plain table stays
// for print only; without JavaScript the table is all there is.
(function () {
  "use strict";

  const source = document.getElementById("readiness-chart-data");
  const element = document.querySelector("[data-readiness-chart]");
  if (!source || !element || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const locale = (document.documentElement.lang || "zh").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const table = document.getElementById("readiness-elements");

  element.classList.remove("d-none");
  if (table) {
    table.classList.add("d-none", "d-print-table");
  }

  const shown = (value) => String(Math.round(value * 100) / 100);
  const instance = echarts.init(element, null, { locale, renderer: "svg" });
  instance.setOption({
    animation: false,
    textStyle: { fontSize: 11 },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (params) => {
        const index = params[0].dataIndex;
        const name = echarts.format.encodeHTML(data.categories[index]);
        const label = echarts.format.encodeHTML(data.labels.score);
        return `${name}<br>${label}: ${shown(data.scores[index])} / ${shown(data.maximums[index])}`;
      },
    },
    grid: { left: 8, right: 72, top: 4, bottom: 4, containLabel: true },
    xAxis: {
      type: "value",
      max: Math.max(...data.maximums, 1),
      splitLine: { show: false },
      axisLabel: { show: false },
    },
    yAxis: {
      type: "category",
      data: data.categories,
      inverse: true,
      axisTick: { show: false },
      axisLabel: { width: 180, overflow: "truncate" },
    },
    series: [
      {
        // The maximum as a grey bar, with "score / maximum" right of it.
        name: data.labels.maximum,
        type: "bar",
        data: data.maximums,
        barWidth: 14,
        itemStyle: { color: "#e9ecef" },
        silent: true,
        z: 1,
        label: {
          show: true,
          position: "right",
          color: "#495057",
          formatter: (params) => `${shown(data.scores[params.dataIndex])} / ${shown(params.value)}`,
        },
      },
      {
        name: data.labels.score,
        type: "bar",
        data: data.scores.map((value, index) => ({
          value,
          itemStyle: { color: data.weak[index] ? "#fd7e14" : "#1f4e79" },
        })),
        barWidth: 14,
        barGap: "-100%",
        z: 2,
      },
    ],
  });

  const resize = () => instance.resize();
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
