// What every map in SafeReach draws beneath its own layers, so it reads with no background map:
// district and ward boundaries with their names (from areas/basemap.py), and a scale. A tile
// layer is added only when the site has set one up (SAFEREACH_TILE_URL); otherwise nothing is
// fetched from anywhere, so maps work offline and inside secure networks.
// Use: SafeReachBasemap.draw(map, config) once the map exists; it returns the boundaries' bounds.
// A page that names shapes of its own (the multi-agency map names a ward's LSOAs) gives them to
// SafeReachBasemap.names(map, [[shape, text], ...], className) once they are on the map, so that
// they are placed with the basemap's names, before them, and no two overlap.
(function () {
  // A name is written only where its area is wide enough on screen to hold it.
  var ROOM = { district: 70, ward: 90, page: 90 };
  // Each map's way to take the page's own names, by Leaflet's id for the map.
  var maps = {};

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
    var own = [];
    function tooltip(text, className) {
      return L.tooltip({
        permanent: true, direction: "center", interactive: false, pane: "basemap-names", className: className
      }).setContent(text);
    }
    lines.eachLayer(function (shape) {
      var p = shape.feature.properties;
      if (!p.label) return;
      names.push({ tooltip: tooltip(p.name, "app-basemap-name app-basemap-name--" + p.level),
                   shape: shape, level: p.level, at: L.latLng(p.label) });
    });

    function roomy(entry) {
      var b = entry.shape.getBounds();
      var width = map.latLngToLayerPoint(b.getNorthEast()).x - map.latLngToLayerPoint(b.getSouthWest()).x;
      return width >= ROOM[entry.level];
    }

    function box(element) {
      var r = element.getBoundingClientRect();
      return { left: r.left - 4, right: r.right + 4, top: r.top - 2, bottom: r.bottom + 2 };
    }

    function clashes(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }

    // What the map shows of these elements (an SVG shape has no offsetWidth: its box is used).
    function boxes(selector) {
      return Array.prototype.filter.call(map.getContainer().querySelectorAll(selector), function (element) {
        return element.getBoundingClientRect().width > 0;
      }).map(box);
    }

    // The page's names first, then districts', then wards' where they fit. A name is kept
    // whole inside the map: one that would run over its edge moves in, by up to half its width
    // (so it still covers its own point). One that would overlap a name already written, or the
    // map's buttons and scale, moves a line up or down, and is left out if that does not clear
    // it, until zooming in or panning makes room for it. Then a name that lies over one of the
    // page's points (its markers, and any shape it gives the class app-map-point) moves a line
    // up or down where that clears it and every other name; otherwise it stays where it was
    // (a point never pushes another name out).
    var NUDGES = [0, 1, -1, 2, -2];

    function write() {
      var frame = map.getContainer().getBoundingClientRect();
      var controls = boxes(".leaflet-control");
      var written = [];

      // Puts the name a number of lines from its own point, moved in from the map's edge:
      // where it then lies, or null where it cannot be written there whole.
      function put(name, step) {
        var point = name.home.add([0, step * name.height]);
        name.entry.tooltip.setLatLng(map.containerPointToLatLng(point));
        var here = box(name.element);
        var width = here.right - here.left;
        var shift = Math.max(0, frame.left - here.left) - Math.max(0, here.right - frame.right);
        if (width > frame.width || Math.abs(shift) > width / 2) return null;
        if (here.top < frame.top || here.bottom > frame.bottom) return null;
        if (!shift) return here;
        name.entry.tooltip.setLatLng(map.containerPointToLatLng(point.add([shift, 0])));
        return box(name.element);
      }

      function clear(here, others) {
        return here && !others.some(function (other) { return clashes(here, other); });
      }

      own.concat(names).forEach(function (entry) {
        if (map.hasLayer(entry.tooltip)) map.removeLayer(entry.tooltip);
        if (!map.hasLayer(entry.shape) || !roomy(entry)) return;
        var at = entry.at || entry.shape.getCenter();
        entry.tooltip.setLatLng(at).addTo(map);
        var element = entry.tooltip.getElement();
        var name = { entry: entry, element: element, home: map.latLngToContainerPoint(at),
                     height: element.offsetHeight + 4 };
        var others = written.map(function (w) { return w.box; }).concat(controls);
        var placed = NUDGES.some(function (step) {
          var here = put(name, step);
          if (!clear(here, others)) return false;
          name.step = step;
          name.box = here;
          written.push(name);
          return true;
        });
        if (!placed) map.removeLayer(entry.tooltip);
      });

      var markers = boxes(".leaflet-marker-icon, .app-map-point");
      if (!markers.length) return;
      written.forEach(function (name) {
        if (clear(name.box, markers)) return;
        var others = written.filter(function (w) { return w !== name; })
          .map(function (w) { return w.box; }).concat(controls, markers);
        var moved = NUDGES.some(function (step) {
          var here = put(name, step);
          if (!clear(here, others)) return false;
          name.box = here;
          return true;
        });
        if (!moved) put(name, name.step);
      });
    }
    // Every change of view ends with moveend: zooming, panning, fitting bounds and a change of
    // the map's size (Leaflet keeps the centre and fires moveend), so names are placed again
    // for the view as it is, not as it was when they were first written. Layers a page adds
    // before the map has its first view are drawn once it has one, after this is called: the
    // first placement waits for the page's script to finish, so it sees the page's markers.
    map.on("moveend", write);
    map.whenReady(function () { setTimeout(write, 0); });

    maps[L.stamp(map)] = function (shapes, className) {
      shapes.forEach(function (pair) {
        own.push({ tooltip: tooltip(pair[1], className), shape: pair[0], level: "page", at: null });
      });
      map.whenReady(write);
    };

    L.control.scale({ imperial: false, position: "bottomleft", maxWidth: 120 }).addTo(map);
    return lines.getLayers().length ? lines.getBounds() : null;
  }

  // The page's own names for shapes on the map ([shape, text] pairs), written at each shape's
  // centre with the basemap's names, before them; the map must have been drawn with draw.
  function names(map, shapes, className) {
    maps[L.stamp(map)](shapes, className);
  }

  window.SafeReachBasemap = { draw: draw, names: names };
})();
