// City map: Beijing's districts, coloured by the measure the page was asked for. The figures,
// colours and links come from the JSON the page embeds (#city-map-data), computed on the server
// for what the user may see; the districts' shapes from the vendored GeoJSON (its URL in
// data-geojson). A click on a district with a page opens it. Without JavaScript, the legend and
// the table say the same.
(function () {
  "use strict";

  const source = document.getElementById("city-map-data");
  const element = document.querySelector("[data-city-map]");
  if (!source || !element || typeof echarts === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const locale = (document.documentElement.lang || "zh").toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const text = echarts.format.encodeHTML; // names are data: never markup

  fetch(element.dataset.geojson, { credentials: "same-origin" })
    .then((response) => {
      if (!response.ok) {
        throw new Error(`GeoJSON: ${response.status}`);
      }
      return response.json();
    })
    .then((geojson) => {
      echarts.registerMap("beijing", geojson);
      element.replaceChildren();
      const instance = echarts.init(element, null, { locale, renderer: "svg" });
      instance.setOption({
        animation: false,
        textStyle: { fontSize: 11 },
        tooltip: {
          trigger: "item",
          formatter: (params) => {
            const item = params.data;
            if (!item) {
              return text(params.name);
            }
            const value = item.text ? `${text(item.text)}${text(data.unit)}` : text(data.noData);
            return `${text(item.shownName)}<br>${text(data.measure)}: ${value}`;
          },
        },
        series: [
          {
            type: "map",
            map: "beijing",
            roam: false,
            selectedMode: false,
            layoutCenter: ["50%", "50%"],
            layoutSize: "100%",
            labelLayout: { hideOverlap: true },
            itemStyle: { areaColor: data.noDataColour, borderColor: "#fff", borderWidth: 1 },
            emphasis: {
              label: { show: true, color: "#000" },
              itemStyle: { borderColor: "#212529", borderWidth: 2 },
            },
            label: {
              show: true,
              fontSize: 10,
              color: "#212529",
              formatter: (params) => (params.data ? params.data.shownName : params.name),
            },
            data: data.districts.map((item) => ({
              name: item.name,
              value: item.value,
              shownName: item.label,
              text: item.text,
              url: item.url,
              itemStyle: { areaColor: item.colour },
              emphasis: { itemStyle: { areaColor: item.colour } },
              cursor: item.url ? "pointer" : "default",
            })),
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
    })
    .catch(() => {
      // The fallback text stays: the table below has every figure.
    });
})();
