// The week's routes over the district and ward boundaries, names and scale every map shares
// (areas/basemap.js; no tile server needed): the base as a square, each day's schools numbered
// in visiting order, joined base to base by straight lines.
// A picture (role="img" with a text description): nothing in it takes focus or moves.
(function () {
  var holder = document.getElementById("week-map");
  var source = document.getElementById("week-map-data");
  if (!holder || !source || typeof L === "undefined" || !window.SafeReachBasemap) return;
  var data = JSON.parse(source.textContent);
  var colours = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#5694ca", "#912b88"];
  var map = L.map(holder, {
    attributionControl: false, zoomControl: false, keyboard: false, dragging: false,
    scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, touchZoom: false
  });
  SafeReachBasemap.draw(map, data.basemap);
  var bounds = [];
  var base = data.base ? [data.base.lat, data.base.lon] : null;
  data.days.forEach(function (day, i) {
    var colour = colours[i % colours.length];
    var line = day.stops.map(function (s) { return [s.lat, s.lon]; });
    if (base) { line.unshift(base); line.push(base); }
    L.polyline(line, { interactive: false, color: colour, weight: 3, opacity: 0.8 }).addTo(map);
    day.stops.forEach(function (s) {
      bounds.push([s.lat, s.lon]);
      L.marker([s.lat, s.lon], {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "", iconSize: [22, 22],
          html: '<span style="display:block;width:22px;height:22px;border-radius:11px;background:' + colour +
                ';color:#fff;font:bold 13px/22px sans-serif;text-align:center">' + s.n + "</span>" })
      }).addTo(map);
    });
  });
  if (base) {
    bounds.push(base);
    L.marker(base, { interactive: false, keyboard: false, icon: L.divIcon({ className: "", iconSize: [16, 16],
      html: '<span style="display:block;width:16px;height:16px;background:#0b0c0c"></span>' }) }).addTo(map);
  }
  // Never closer than a town: one visit near the base would otherwise fill the map with streets.
  map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
  holder.setAttribute("data-ready", "true");
})();
