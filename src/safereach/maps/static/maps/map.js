// The multi-agency map: district and ward boundaries, names and a scale drawn by the basemap every
// map shares (areas/basemap.js: no tile server unless one is set), and each layer fetched as
// GeoJSON when it is switched on, with its legend beside it. Switching layers keeps the page's
// address up to date, so the view can be shared.
(function () {
  var holder = document.getElementById("map");
  var source = document.getElementById("map-config");
  if (!holder || !source || typeof L === "undefined" || !window.SafeReachBasemap) return;
  var config = JSON.parse(source.textContent);
  var renderer = L.canvas({ padding: 0.5 });
  var map = L.map(holder, { preferCanvas: true, renderer: renderer, attributionControl: false });
  SafeReachBasemap.draw(map, config.basemap);

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function popup(p, note) {
    var html = "<strong>" + escape(p._title) + "</strong>";
    (p._detail || []).forEach(function (line) { if (line) html += "<br>" + escape(line); });
    if (p.cell) html += "<br>Cell from " + escape(p.cell);
    if (!p._detail && note) html += "<br>" + escape(note);
    if (p._url) html += '<br><a href="' + escape(p._url) + '">More about ' + escape(p._title) + "</a>";
    return html;
  }

  // The parts one level down: districts and wards are already drawn by the basemap, so only a
  // ward's LSOAs are outlined here, with their names. The outline lies under the layers and takes
  // no clicks; a click where no layer is asks which part it is. Their names are placed with the
  // basemap's (areas/basemap.js): first, only where they fit, and never over another name.
  var outline = L.geoJSON(config.outline, {
    renderer: L.svg(), interactive: false,
    filter: function (feature) { return feature.properties.level === "lsoa"; },
    style: { color: "#0b0c0c", weight: 1.5, fill: false, opacity: 0.8 }
  }).addTo(map);

  function inside(latlng, rings) {
    var x = latlng.lng, y = latlng.lat, hit = false;
    rings.forEach(function (ring) {
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) hit = !hit;
      }
    });
    return hit;
  }

  function partAt(latlng) {
    return config.outline.features.filter(function (feature) {
      var g = feature.geometry;
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      return polygons.some(function (rings) { return inside(latlng, rings); });
    })[0];
  }

  map.on("click", function (event) {
    var part = partAt(event.latlng);
    if (!part || part.properties.level === "lsoa") return;
    var query = config.query.replace(/(^|&)area=[^&]*/, "");
    var url = config.map_url + "?" + query + "&area=" + encodeURIComponent(part.properties.code);
    L.popup().setLatLng(event.latlng)
      .setContent("<strong>" + escape(part.properties.name) + '</strong><br><a href="' + url + '">Show ' +
                  escape(part.properties.name) + " on the map</a>")
      .openOn(map);
  });
  var parts = L.geoJSON(config.outline);
  if (parts.getLayers().length) {
    map.fitBounds(parts.getBounds(), { padding: [2, 2] });
  } else {
    map.setView([52.5, -1.5], 6);
  }
  SafeReachBasemap.names(map, outline.getLayers().map(function (shape) {
    return [shape, shape.feature.properties.name];
  }), "app-map-label");

  var shown = {};
  var loaded = {};

  function legend(key, data) {
    var box = document.getElementById("legend-" + key);
    var html = "";
    if (data.summary) html += '<p class="govuk-body-s govuk-!-margin-bottom-1">' + escape(data.summary) + "</p>";
    if (!data.features.length) html += '<p class="govuk-body-s govuk-!-margin-bottom-1">' + escape(data.empty) + "</p>";
    if (data.legend.length) {
      html += '<ul class="app-legend govuk-body-s">';
      data.legend.forEach(function (entry) {
        html += '<li><span class="app-legend__swatch app-legend__swatch--' + escape(entry.shape) + '" style="background:' +
          escape(entry.colour) + '"></span>' + escape(entry.label) + "</li>";
      });
      html += "</ul>";
    }
    if (data.note) html += '<p class="govuk-body-s govuk-!-margin-bottom-1">' + escape(data.note) + "</p>";
    html += '<p class="govuk-body-s"><a class="govuk-link" href="' + escape(data.table_url) + '">' + escape(data.title) + " as a table</a></p>";
    box.innerHTML = html;
  }

  function draw(data) {
    return L.geoJSON(data, {
      renderer: renderer,
      style: function (feature) {
        var p = feature.properties;
        var polygon = feature.geometry.type !== "Point";
        return { color: polygon ? "#505a5f" : "#0b0c0c", weight: polygon ? 0.5 : 1, fillColor: p._colour,
                 fillOpacity: polygon ? 0.7 : 0.95, opacity: polygon ? 0.6 : 1 };
      },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: feature.properties._radius || 5, renderer: renderer });
      },
      onEachFeature: function (feature, shape) { shape.bindPopup(popup(feature.properties, data.note)); }
    });
  }

  // Layers stack in a fixed order: areas at the bottom, cells above them, points on top.
  var order = ["deprivation", "rates", "incidents", "hotspots", "street", "places", "notices", "bases", "visits", "schools"];

  function restack() {
    order.forEach(function (key) { if (shown[key] && map.hasLayer(shown[key])) shown[key].bringToFront(); });
  }

  function switchOn(layer) {
    var box = document.getElementById("legend-" + layer.key);
    if (loaded[layer.key]) {
      shown[layer.key].addTo(map);
      restack();
      return;
    }
    box.innerHTML = '<p class="govuk-body-s">Loading…</p>';
    fetch(layer.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        // 403 with reason_url: the layer holds OFFICIAL-SENSITIVE data and no reason is fresh.
        if (response.status === 403) return response.json().then(function (data) { throw data; });
        if (!response.ok) throw new Error("answered " + response.status);
        return response.json();
      })
      .then(function (data) {
        loaded[layer.key] = true;
        shown[layer.key] = draw(data);
        legend(layer.key, data);
        var input = document.getElementById("layer-" + layer.key);
        if (input.checked) {
          shown[layer.key].addTo(map);
          restack();
        }
        holder.setAttribute("data-loaded-" + layer.key, "true");
      })
      .catch(function (problem) {
        if (problem && problem.reason_url) {
          var params = new URLSearchParams(window.location.search);
          if (params.getAll("layers").indexOf(layer.key) < 0) params.append("layers", layer.key);
          var back = window.location.pathname + "?" + params.toString();
          box.innerHTML = '<p class="govuk-body-s">This layer holds OFFICIAL-SENSITIVE data. <a class="govuk-link" href="' +
            problem.reason_url + "?next=" + encodeURIComponent(back) + '">Say why you need it</a> to see it.</p>';
          return;
        }
        box.innerHTML = '<p class="govuk-body-s">This layer could not be loaded. Try again, or see it as a table.</p>';
      });
  }

  function remember() {
    var on = config.layers.filter(function (l) { return document.getElementById("layer-" + l.key).checked; });
    var params = new URLSearchParams(window.location.search);
    params.delete("layers");
    on.forEach(function (l) { params.append("layers", l.key); });
    params.set("chosen", "1");
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    // The form keeps the layers too, so choosing other months keeps what is switched on.
    var kept = document.getElementById("chosen-layers");
    if (kept) {
      kept.innerHTML = "";
      on.forEach(function (l) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "layers";
        input.value = l.key;
        kept.appendChild(input);
      });
    }
  }

  config.layers.forEach(function (layer) {
    var input = document.getElementById("layer-" + layer.key);
    input.addEventListener("change", function () {
      if (input.checked) {
        switchOn(layer);
      } else if (shown[layer.key]) {
        map.removeLayer(shown[layer.key]);
      }
      remember();
    });
    if (layer.on) switchOn(layer);
  });
  holder.setAttribute("data-ready", "true");
})();
