// What every map in SafeReach draws beneath its own layers, so it reads with no background map:
// district and ward boundaries with their names (from areas/basemap.py), and a scale. A tile
// layer is added only when the site has set one up (SAFEREACH_TILE_URL); otherwise nothing is
// fetched from anywhere, so maps work offline and inside secure networks.
// Use: SafeReachBasemap.draw(map, config) once the map exists; it returns the boundaries' bounds.
(function () {
  // A name is written only where its area is wide enough on screen to hold it.
  var ROOM = { district: 70, ward: 90 };

  function draw(map, config) {
    config = config || {};
    var tiles = config.tiles || {};
    if (tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution || "", maxZoom: 19 }).addTo(map);
      if (!map.attributionControl) L.control.attribution({ prefix: false }).addTo(map);
    }
    // Lines lie below every layer the page draws (Leaflet's overlay pane is 400); names above
    // its shapes but below its markers and popups. Neither is ever in the way of a click.
    map.createPane("basemap-lines").style.zIndex = 350;
    map.createPane("basemap-names").style.zIndex = 450;
    map.getPane("basemap-lines").style.pointerEvents = "none";
    map.getPane("basemap-names").style.pointerEvents = "none";

    var features = (config.boundaries && config.boundaries.features) || [];
    var lines = L.geoJSON({ type: "FeatureCollection", features: features }, {
      pane: "basemap-lines", interactive: false, renderer: L.svg({ pane: "basemap-lines" }),
      style: function (feature) {
        return feature.properties.level === "district"
          ? { color: "#0b0c0c", weight: 2.5, opacity: 0.75, fill: false }
          : { color: "#505a5f", weight: 1, opacity: 0.6, dashArray: "4 3", fill: false };
      }
    }).addTo(map);

    var names = [];
    lines.eachLayer(function (shape) {
      var p = shape.feature.properties;
      if (!p.label) return;
      var name = L.tooltip({
        permanent: true, direction: "center", interactive: false, pane: "basemap-names",
        className: "app-basemap-name app-basemap-name--" + p.level
      }).setLatLng(p.label).setContent(p.name);
      names.push({ tooltip: name, shape: shape, level: p.level, at: L.latLng(p.label) });
    });

    function roomy(entry) {
      var b = entry.shape.getBounds();
      var width = map.latLngToLayerPoint(b.getNorthEast()).x - map.latLngToLayerPoint(b.getSouthWest()).x;
      return width >= ROOM[entry.level];
    }

    function box(tooltip) {
      var r = tooltip.getElement().getBoundingClientRect();
      return { left: r.left - 4, right: r.right + 4, top: r.top - 2, bottom: r.bottom + 2 };
    }

    function clashes(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }

    // Districts' names first, then wards' where they fit: a name that would overlap one already
    // written moves a line up or down, and is left out if that does not clear it, until zooming
    // in makes room for it.
    var NUDGES = [0, 1, -1, 2, -2];

    function write() {
      var written = [];
      names.forEach(function (entry) {
        if (map.hasLayer(entry.tooltip)) map.removeLayer(entry.tooltip);
        if (!roomy(entry)) return;
        var home = map.latLngToContainerPoint(entry.at);
        entry.tooltip.setLatLng(entry.at).addTo(map);
        var height = entry.tooltip.getElement().offsetHeight + 4;
        var placed = NUDGES.some(function (step) {
          entry.tooltip.setLatLng(map.containerPointToLatLng(home.add([0, step * height])));
          var here = box(entry.tooltip);
          if (written.some(function (other) { return clashes(here, other); })) return false;
          written.push(here);
          return true;
        });
        if (!placed) map.removeLayer(entry.tooltip);
      });
    }
    map.on("zoomend", write);
    map.whenReady(write);

    L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 120 }).addTo(map);
    return lines.getLayers().length ? lines.getBounds() : null;
  }

  window.SafeReachBasemap = { draw: draw };
})();
