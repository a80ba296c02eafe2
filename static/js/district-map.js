// A district's map of its units: each [data-district-map] element names the JSON the page
// embeds (its units' boundaries as a FeatureCollection, coloured by phase, the title in force
// outlined, each with its unit's page), registered with ECharts under the district's own map
// name. A click on a unit opens its page. The list beside the map says the same without it.
(function () {
  "use strict";

  if (typeof echarts === "undefined") {
    return;
  }
  const locale = (document.documentElement.lang || "zh").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const text = echarts.format.encodeHTML; // names are typed by people: never markup

  document.querySelectorAll("[data-district-map]").forEach((element) => {
    if (element.classList.contains("chart-drawn")) {
      return; // the snippet's script may be loaded once per map on a page
    }
    const source = document.getElementById(element.dataset.districtMap);
    if (!source) {
      return;
    }
    const data = JSON.parse(source.textContent);
    echarts.registerMap(data.mapName, data.geojson);
    element.replaceChildren();
    const instance = echarts.init(element, null, { locale, renderer: "svg" });
    instance.setOption({
      animation: false,
      textStyle: { fontSize: 11 },
      tooltip: {
        trigger: "item",
        formatter: (params) => {
          const unit = params.data;
          if (!unit) {
            return "";
          }
          const title = unit.title || data.labels.none;
          return `${text(unit.shownName)}<br>${text(data.labels.phase)}: ${text(unit.phase || data.labels.none)}<br>${text(data.labels.title)}: ${text(title)}`;
        },
      },
      series: [
        {
          type: "map",
          map: data.mapName,
          roam: true,
          selectedMode: false,
          layoutCenter: ["50%", "50%"],
          layoutSize: "95%",
          itemStyle: { borderColor: "#fff", borderWidth: 1 },
          emphasis: { label: { show: true } },
          label: {
            show: true,
            fontSize: 10,
            color: "#212529",
            formatter: (params) => (params.data ? params.data.shownName : params.name),
          },
          data: data.geojson.features.map((feature) => {
            const unit = feature.properties;
            const border = unit.title
              ? { borderColor: data.titleBorder, borderWidth: 2.5 }
              : { borderColor: "#fff", borderWidth: 1 };
            return {
              name: unit.name,
              shownName: unit.label,
              phase: unit.phase,
              title: unit.title,
              url: unit.url,
              itemStyle: { areaColor: unit.colour, ...border },
              emphasis: { itemStyle: { areaColor: unit.colour, borderColor: "#212529", borderWidth: 2 } },
            };
          }),
        },
      ],
    });
    instance.on("click", (params) => {
      if (params.data && params.data.url) {
        window.location.assign(params.data.url);
      }
    });
    element.classList.add("chart-drawn");
    const resize = () => instance.resize();
    window.addEventListener("resize", resize);
    window.addEventListener("beforeprint", resize);
    window.addEventListener("afterprint", resize);
  });
})();
