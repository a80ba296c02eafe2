// Creation funds: the district's execution rate by month (cumulative spending ÷ the year's
// budget) against the straight line to the year's end (k/12), from #funds-chart-data (months,
// actual, line, translated labels). Without JavaScript the table of months is all there is;
// once drawn, the table stays for print.
(function () {
  "use strict";

  const source = document.getElementById("funds-chart-data");
  const element = document.querySelector("[data-funds-chart]");
  if (!source || !element || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const locale = (document.documentElement.lang || "zh").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const table = document.getElementById("funds-months");

  element.classList.remove("d-none");
  if (table) {
    table.classList.add("d-none", "d-print-table");
  }

  const instance = echarts.init(element, null, { locale, renderer: "svg" });
  instance.setOption({
    animation: false,
    textStyle: { fontSize: 11 },
    tooltip: { trigger: "axis", valueFormatter: (v) => (v == null ? "—" : `${v}%`) },
    legend: { bottom: 0 },
    grid: { left: 4, right: 12, top: 8, bottom: 28, containLabel: true },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
    series: [
      {
        name: data.labels.actual,
        type: "line",
        data: data.actual,
        color: "#1f4e79",
        areaStyle: { opacity: 0.12 },
      },
      {
        name: data.labels.line,
        type: "line",
        data: data.line,
        showSymbol: false,
        color: "#6c757d",
        lineStyle: { type: "dashed" },
      },
    ],
  });

  const resize = () => instance.resize();
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
