// District dashboard: draws the [data-chart] elements from the JSON the page embeds
// (#dashboard-data): units per phase, each target's history against its line, the results of
// the latest evaluations and the reporting completeness heatmap. Labels arrive translated.
// Charts are SVG, so they print sharply; they resize for print and back.
(function () {
  "use strict";

  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const locale = (document.documentElement.lang || "zh").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const phaseColours = ["#adb5bd", "#0dcaf0", "#0d6efd", "#fd7e14", "#198754"];
  const resultColours = { pass: "#198754", rectify: "#ffc107", fail: "#dc3545", none: "#ced4da" };
  const base = { animation: false, textStyle: { fontSize: 11 } };

  const builders = {
    phases() {
      const chart = data.phases;
      return {
        ...base,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 32, top: 4, bottom: 4, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: chart.categories, inverse: true },
        series: [
          {
            type: "bar",
            name: data.labels.units,
            data: chart.data.map((value, i) => ({
              value,
              itemStyle: { color: phaseColours[chart.orders[i] % phaseColours.length] },
            })),
            label: { show: true, position: "right" },
          },
        ],
      };
    },
    results() {
      return {
        ...base,
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0, type: "scroll" },
        series: [
          {
            type: "pie",
            radius: ["40%", "68%"],
            center: ["50%", "44%"],
            data: data.results.filter((r) => r.value > 0).map((r) => ({
              name: r.name,
              value: r.value,
              itemStyle: { color: resultColours[r.key] },
            })),
            label: { formatter: "{c}" },
          },
        ],
      };
    },
    // The measured value at each month's end (a step line) against the straight line from
    // zero at the programme's start to the threshold at the deadline (dashed).
    target(element) {
      const chart = data.targets.find((t) => t.id === element.dataset.target);
      if (!chart) return null;
      const suffix = chart.unit;
      return {
        ...base,
        tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : `${v}${suffix}`) },
        grid: { left: 4, right: 12, top: 8, bottom: 4, containLabel: true },
        xAxis: { type: "time", axisLabel: { hideOverlap: true } },
        yAxis: {
          type: "value",
          max: suffix ? 100 : (value) => Math.max(value.max, chart.threshold),
          minInterval: 1,
          axisLabel: { formatter: `{value}${suffix}` },
        },
        series: [
          {
            name: data.labels.actual,
            type: "line",
            step: "end",
            showSymbol: false,
            data: chart.actual,
            color: "#1f4e79",
            areaStyle: { opacity: 0.12 },
          },
          {
            name: data.labels.line,
            type: "line",
            data: chart.line,
            showSymbol: false,
            color: "#6c757d",
            lineStyle: { type: "dashed" },
            markPoint: {
              symbol: "pin",
              symbolSize: 26,
              data: [{ coord: chart.line[chart.line.length - 1], value: `${chart.threshold}` }],
            },
          },
        ],
      };
    },
    heatmap() {
      const chart = data.heatmap;
      const colours = ["#ffe08a", "#f08a78", "#5cb85c"];  // as the table's squares: open, late, on time
      return {
        ...base,
        tooltip: {
          formatter: (p) => {
            const text = echarts.format.encodeHTML;  // unit names are typed by people: never markup
            return `${text(chart.units[p.value[1]])}<br>${text(chart.months[p.value[0]])}: ${text(chart.states[p.value[2]])}`;
          },
        },
        grid: { left: 4, right: 8, top: 28, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: chart.months, position: "top", splitArea: { show: true } },
        yAxis: { type: "category", data: chart.units, inverse: true, axisLabel: { fontSize: 10 } },
        visualMap: {
          type: "piecewise",
          dimension: 2,
          orient: "horizontal",
          right: 0,
          top: 0,
          itemWidth: 12,
          itemHeight: 12,
          pieces: chart.states.map((label, value) => ({ value, label, color: colours[value] })),
        },
        series: [
          {
            type: "heatmap",
            data: chart.cells,
            itemStyle: { borderColor: "#fff", borderWidth: 1 },
          },
        ],
      };
    },
  };

  const drawn = [];
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const build = builders[element.dataset.chart];
    const option = build && build(element);
    if (!option) {
      return;
    }
    const instance = echarts.init(element, null, { locale, renderer: "svg" });
    instance.setOption(option);
    drawn.push(instance);
    element.classList.add("chart-drawn");
  });

  const resizeAll = () => drawn.forEach((instance) => instance.resize());
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
