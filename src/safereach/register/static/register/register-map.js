// The register's map over the district and ward boundaries, names and scale every map shares
// (areas/basemap.js), drawn from the data SafeReach holds, so no tile server is needed (it works
// offline and inside secure networks). Each entry is a marker a keyboard can reach; choosing it
// opens the entry's name and a link. The same entries are listed under the map for anyone who
// does not use it.
(function () {
  var holder = document.getElementById("register-map");
  var source = document.getElementById("register-map-data");
  if (!holder || !source || typeof L === "undefined" || !window.SafeReachBasemap) return;
  var data = JSON.parse(source.textContent);
  var map = L.map(holder, { attributionControl: false, scrollWheelZoom: false, zoomSnap: 0.25 });
  SafeReachBasemap.draw(map, data.basemap);
  var bounds = L.latLngBounds(data.frame || []);
  data.entries.forEach(function (entry) {
    var marker = L.marker([entry.lat, entry.lon], {
      title: entry.name + ", " + entry.address, keyboard: true, riseOnHover: true,
      icon: L.divIcon({ className: "app-register-map__marker", iconSize: [18, 18], iconAnchor: [9, 9] })
    }).addTo(map);
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.className = "govuk-link";
    link.href = entry.url;
    link.textContent = entry.name;
    var where = document.createElement("p");
    where.className = "govuk-body-s govuk-!-margin-bottom-0";
    where.textContent = entry.kind + ", " + entry.address;
    box.appendChild(link);
    box.appendChild(where);
    marker.bindPopup(box, { maxWidth: Math.max(160, Math.min(280, holder.clientWidth - 80)) });
    bounds.extend([entry.lat, entry.lon]);
  });
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 15 });
  } else {
    map.setView([52.5, -1.5], 6);
  }
  holder.setAttribute("data-ready", "true");
})();
