/* The workers' station finder: the list works on its own (from the JSON API); the Leaflet map
   is an extra that may fail to load its tiles (offline, blocked) without breaking the list. */
(function () {
  "use strict";
  var app = document.getElementById("stations-app");
  if (!app) { return; }
  var d = app.dataset;
  var list = document.getElementById("stations-list");
  var status = document.getElementById("stations-status");
  var origin = { lat: parseFloat(d.lat), lon: parseFloat(d.lon) };
  var map = null, layer = null, here = null, latest = 0;

  function setStatus(text) { status.textContent = text || ""; }

  function initMap() {
    if (typeof L === "undefined") { return; }
    try {
      map = L.map("stations-map", { zoomControl: true }).setView([origin.lat, origin.lon], 14);
      L.tileLayer(d.tileUrl, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
      layer = L.layerGroup().addTo(map);
      map.on("click", function (e) {
        origin = { lat: e.latlng.lat, lon: e.latlng.lng };
        setStatus(d.textTap);
        load();
      });
    } catch (err) { map = null; }
  }

  function filters() {
    var params = new URLSearchParams();
    params.set("lat", origin.lat.toFixed(6));
    params.set("lon", origin.lon.toFixed(6));
    params.set("limit", "10");
    if (document.getElementById("f-open").checked) { params.set("open_now", "true"); }
    var kind = document.getElementById("stations-kind").value;
    if (kind) { params.set("kind", kind); }
    document.querySelectorAll("#stations-filters input[name=facility]:checked").forEach(function (box) {
      params.append("facility", box.value);
    });
    return params;
  }

  function distanceText(m) { return m < 1000 ? Math.round(m) + " m" : (m / 1000).toFixed(1) + " km"; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function render(rows) {
    list.replaceChildren();
    if (layer) { layer.clearLayers(); }
    if (!rows.length) { list.appendChild(el("li", "list-group-item text-muted", d.textNone)); return; }
    rows.forEach(function (row) {
      var item = el("li", "list-group-item d-flex flex-column gap-1");
      item.dataset.code = row.code;
      item.setAttribute("data-testid", "station-item");
      var head = el("div", "d-flex justify-content-between gap-2");
      var link = el("a", "fw-semibold", row.name);
      link.href = d.stationUrl.replace("CODE", encodeURIComponent(row.code));
      head.appendChild(link);
      head.appendChild(el("span", "text-nowrap", distanceText(row.distance_m)));
      item.appendChild(head);
      var meta = el("div", "small text-muted", row.kind_name + " · " + row.hours + " · ");
      meta.appendChild(el("span", "badge " + (row.open_now ? "text-bg-success" : "text-bg-secondary"), row.open_now ? d.textOpen : d.textClosed));
      item.appendChild(meta);
      item.appendChild(el("div", "small", row.facility_names.join(" · ")));
      var nav = el("div", "d-flex gap-2");
      var amap = el("a", "btn btn-sm btn-outline-primary", "高德导航"); amap.href = row.amap_url; amap.rel = "noopener"; amap.dataset.nav = "amap";
      var baidu = el("a", "btn btn-sm btn-outline-primary", "百度导航"); baidu.href = row.baidu_url; baidu.rel = "noopener"; baidu.dataset.nav = "baidu";
      nav.appendChild(amap); nav.appendChild(baidu);
      if (row.service_phone) { var tel = el("a", "btn btn-sm btn-outline-secondary", row.service_phone); tel.href = "tel:" + row.service_phone; nav.appendChild(tel); }
      item.appendChild(nav);
      list.appendChild(item);
      if (layer) { L.marker([row.lat, row.lon], { title: row.name }).bindPopup(row.name).addTo(layer); }
    });
  }

  function load() {
    if (map) {
      if (here) { here.setLatLng([origin.lat, origin.lon]); } else { here = L.circleMarker([origin.lat, origin.lon], { radius: 7, color: "#c0392b" }).bindTooltip(d.textHere).addTo(map); }
      map.setView([origin.lat, origin.lon]);
    }
    var ticket = ++latest;  // a slower earlier answer must not overwrite a newer one
    fetch(d.api + "?" + filters().toString(), { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (rows) { if (ticket === latest) { render(rows); list.dataset.query = String(ticket); } })
      .catch(function () { setStatus(d.textError); });
  }

  function locate() {
    if (!navigator.geolocation) { setStatus(d.textDenied); load(); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      origin = { lat: pos.coords.latitude, lon: pos.coords.longitude };
      setStatus(d.textLocated);
      load();
    }, function () { setStatus(d.textDenied); load(); }, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  }

  initMap();
  document.getElementById("stations-locate").addEventListener("click", locate);
  document.getElementById("stations-kind").addEventListener("change", load);
  document.querySelectorAll("#stations-filters input").forEach(function (box) { box.addEventListener("change", load); });
  locate();
})();
