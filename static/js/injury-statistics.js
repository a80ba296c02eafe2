// Injury statistics: draws each [data-chart] element from the JSON the page embeds
// (#injury-statistics-data, one entry per table: kind, categories, series). Labels arrive
// translated. Charts are SVG, so they print sharply; they resize for print (A4) and back.
(function () {
  "use strict";

  const source = document.getElementById("injury-statistics-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const charts = JSON.parse(source.textContent);
  const locale = (document.documentElement.lang || "zh").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const palette = ["#1f4e79", "#9aa9b8", "#fd7e14", "#198754", "#6f42c1", "#d63384", "#20c997", "#0dcaf0"];

  const base = () => ({
    animation: false,
    color: palette,
    textStyle: { fontSize: 11 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
  });

  function legend(series) {
    return series.length > 1 ? { top: 0, type: "scroll" } : undefined;
  }

  const builders = {
    line(chart) {
      return {
        ...base(),
        tooltip: { trigger: "axis" },
        legend: legend(chart.series),
        grid: { left: 8, right: 32, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: chart.categories, boundaryGap: false },
        yAxis: { type: "value", minInterval: 1 },
        series: chart.series.map((s, i) => ({
          name: s.name,
          type: "line",
          data: s.data,
          symbolSize: 6,
          lineStyle: i > 0 ? { type: "dashed" } : undefined,
        })),
      };
    },
    hbar(chart) {
      return {
        ...base(),
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: chart.categories, inverse: true },
        series: chart.series.map((s) => ({
          name: s.name,
          type: "bar",
          data: s.data,
          label: { show: true, position: "right" },
        })),
      };
    },
    bar(chart) {
      const many = chart.categories.length > 8;
      return {
        ...base(),
        legend: legend(chart.series),
        grid: { left: 8, right: 16, top: chart.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
        xAxis: {
          type: "category",
          data: chart.categories,
          axisLabel: many ? { rotate: 45, interval: 0 } : { interval: 0 },
        },
        yAxis: { type: "value" },
        series: chart.series.map((s) => ({ name: s.name, type: "bar", data: s.data })),
      };
    },
    pie(chart) {
      const series = chart.series[0];
      return {
        ...base(),
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        series: [
          {
            name: series.name,
            type: "pie",
            radius: ["35%", "65%"],
            data: chart.categories.map((name, i) => ({ name, value: series.data[i] })),
            label: { formatter: "{b}\n{d}%" },
          },
        ],
      };
    },
    // Male to the left (drawn negative), female to the right: a population pyramid.
    pyramid(chart) {
      return {
        ...base(),
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          valueFormatter: (value) => Math.abs(value),
        },
        legend: legend(chart.series),
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: (value) => Math.abs(value) } },
        yAxis: { type: "category", data: chart.categories, axisTick: { show: false } },
        series: chart.series.map((s, i) => ({
          name: s.name,
          type: "bar",
          stack: "pyramid",
          data: i === 0 ? s.data.map((v) => -v) : s.data,
        })),
      };
    },
  };

  const drawn = [];
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const chart = charts[element.dataset.chart];
    const build = chart && builders[chart.kind];
    if (!build) {
      return;
    }
    const instance = echarts.init(element, null, { locale, renderer: "svg" });
    instance.setOption(build(chart));
    drawn.push(instance);
  });

  const resizeAll = () => drawn.forEach((instance) => instance.resize());
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
