// A small, still map of one school over the district and ward boundaries, names and scale every
// map shares (areas/basemap.js): no tile server is needed, so it works offline and inside secure
// networks. It is a picture (role="img" with a text description), so nothing in it takes focus
// or moves.
(function () {
  var holder = document.getElementById("school-map");
  var source = document.getElementById("school-map-data");
  if (!holder || !source || typeof L === "undefined" || !window.SafeReachBasemap) return;
  var data = JSON.parse(source.textContent);
  var where = [data.school.lat, data.school.lon];
  var map = L.map(holder, {
    attributionControl: false, zoomControl: false, keyboard: false, dragging: false,
    scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, touchZoom: false
  });
  SafeReachBasemap.draw(map, data.basemap);
  map.setView(where, 13);
  if (data.lsoa && data.lsoa.geometry) {
    L.geoJSON(data.lsoa.geometry, { interactive: false, style: { color: "#1d70b8", weight: 2, fillOpacity: 0.15 } }).addTo(map);
  }
  var circle = L.circle(where, { radius: data.radius_m, interactive: false, color: "#505a5f", weight: 1, dashArray: "4 4", fill: false }).addTo(map);
  // The school's point: the basemap writes no name over it (app-map-point).
  L.circleMarker(where, { radius: 7, interactive: false, className: "app-map-point", color: "#0b0c0c",
                          fillColor: "#d4351c", fillOpacity: 1 }).addTo(map);
  map.fitBounds(circle.getBounds(), { padding: [10, 10] });
  holder.setAttribute("data-ready", "true");
})();
