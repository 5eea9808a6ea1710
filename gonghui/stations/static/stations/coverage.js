/* The coverage map: grid cells coloured by covered share, uncovered clusters and suggested sites. */
(function () {
  "use strict";
  var holder = document.getElementById("coverage-map");
  var source = document.getElementById("coverage-data");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data || !data.grid.length) { return; }
  var map = L.map(holder);
  L.tileLayer(holder.dataset.tileUrl, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  var bounds = [];
  data.grid.forEach(function (cell) {
    var share = cell.total ? cell.covered / cell.total : 0;
    var colour = share >= 0.999 ? "#2e7d32" : share > 0 ? "#f9a825" : "#c62828";
    L.circleMarker([cell.lat, cell.lon], { radius: 4, stroke: false, fillColor: colour, fillOpacity: 0.7 })
      .bindTooltip(Math.round(cell.covered) + " / " + Math.round(cell.total)).addTo(map);
    bounds.push([cell.lat, cell.lon]);
  });
  data.clusters.forEach(function (c, i) {
    L.circleMarker([c.lat, c.lon], { radius: 10, color: "#6a1b9a" }).bindTooltip("#" + (i + 1) + " " + Math.round(c.uncovered)).addTo(map);
  });
  data.suggestions.forEach(function (s) {
    L.marker([s.lat, s.lon], { title: "#" + s.rank }).bindTooltip("#" + s.rank + " +" + Math.round(s.gain)).addTo(map);
  });
  map.fitBounds(bounds, { padding: [20, 20] });
})();
