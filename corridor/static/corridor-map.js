/* corridor maps in the browser: the basemap, links, hubs and labels, drawn from GeoJSON.
 *
 * corridor.maps inlines this file into every map page, after Leaflet. The page's data is plain
 * GeoJSON; every text from it reaches the page through escapeHtml, so any name shows as text.
 * One Leaflet GeoJSON layer per map layer (not one element per link) keeps a page with 100k
 * links small and quick to open; big layers draw on a canvas instead of SVG.
 */
var corridor = (function () {
  "use strict";

  var PANES = {
    "corridor-basemap": 150,       // land, borders: under web tiles (tilePane is 200) when they are asked for
    "corridor-basemap-lines": 160,
    "corridor-labels": 640         // above markers (600), under popups (700)
  };

  function escapeHtml(value) {
    if (value === null || value === undefined) return "";
    return String(value).replace(/[&<>"'`$\\]/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    });
  }

  function cssToken(value) {
    return String(value).replace(/[^A-Za-z0-9_-]/g, "_");
  }

  function createPanes(map) {
    Object.keys(PANES).forEach(function (name) {
      var pane = map.createPane(name);
      pane.style.zIndex = PANES[name];
      if (name !== "corridor-basemap") pane.style.pointerEvents = "none";
    });
  }

  /* Open the map on bounds at once (no animation, so no tiles load for the first view). */
  function fitView(map, bounds) {
    map.fitBounds(bounds, { padding: [20, 20], animate: false });
  }

  /* A popup: a title (English and Chinese name) over a table of [label, text] rows (empty rows left out). */
  function popupHtml(name, nameZh, rows) {
    var body = rows.filter(function (row) { return row[1] !== "" && row[1] !== null && row[1] !== undefined; })
      .map(function (row) { return "<tr><th>" + escapeHtml(row[0]) + "</th><td>" + escapeHtml(row[1]) + "</td></tr>"; })
      .join("");
    var zh = nameZh ? " <span>" + escapeHtml(nameZh) + "</span>" : "";
    return '<div class="corridor-popup"><h3>' + escapeHtml(name) + zh + "</h3><table>" + body + "</table></div>";
  }

  /* Land polygons, border or outline lines: not interactive, in the basemap panes. */
  function basemap(data, options) {
    return L.geoJSON(data, {
      pane: options.pane,
      interactive: false,
      attribution: options.attribution,
      style: function () { return options.style; }
    });
  }

  function linkStyle(p, options, renderer) {
    var diff = p.diff || "";
    var classes = "corridor-link layer-" + p.mode + " link-" + cssToken(p.id) + (diff ? " diff-" + diff : "") +
      (p.dashed ? " not-in-service" : "") + (p.countries ? " cross-border" : "");
    return {
      color: diff ? options.diffColours[diff] : options.colour,
      weight: options.weight + (diff === "added" || diff === "changed" ? 2.5 : 0),
      opacity: diff === "removed" ? 0.55 : 0.9,
      dashArray: p.dashed ? options.dash : null,
      lineCap: "round",
      className: classes,
      renderer: renderer
    };
  }

  function linkPopup(p, options) {
    var mode = options.modeLabels[p.mode] || p.mode;
    return popupHtml(p.name, p.name_zh, [
      ["Scenario", p.diff],
      ["Mode", p.countries ? mode + " (cross-border, " + p.countries + ")" : mode],
      ["From", p.from_name],
      ["To", p.to_name],
      ["Length", p.length],
      ["Speed", p.speed],
      ["Status", p.status],
      ["Year", p.year],
      ["Carries", p.carries],
      ["Source", p.source],
      ["Link id", p.id]
    ]);
  }

  /* The links of one layer: a casing under the cross-border ones, then the links, with popups and tooltips. */
  function links(data, options) {
    var renderer = options.canvas ? L.canvas({ padding: 0.2 }) : undefined;
    var casing = L.geoJSON(data, {
      filter: function (f) { return Boolean(f.properties.countries); },
      interactive: false,
      style: function (f) {
        return { color: options.casing, weight: options.weight + 3, opacity: 0.55, lineCap: "round",
                 className: "corridor-link-casing", renderer: renderer };
      }
    });
    var lines = L.geoJSON(data, { style: function (f) { return linkStyle(f.properties, options, renderer); } });
    lines.bindPopup(function (layer) { return linkPopup(layer.feature.properties, options); }, { maxWidth: 360 });
    if (!options.canvas) {
      lines.bindTooltip(function (layer) { return escapeHtml(layer.feature.properties.name); }, { sticky: true });
    }
    return L.featureGroup([casing, lines]);
  }

  function hubPopup(p) {
    return popupHtml(p.name, p.name_zh, [
      ["Kind", p.kind], ["City", p.city], ["Country", p.country], ["Rank", p.rank], [p.measure, p.score],
      ["Opens", p.opens], ["Hub id", p.id]
    ]);
  }

  /* Hubs as circle markers, the largest drawn first. */
  function hubs(data) {
    var layer = L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        return L.circleMarker(latlng, {
          radius: p.radius, color: "#333333", weight: 1, fillColor: p.colour, fillOpacity: 0.95, className: p.className
        });
      }
    });
    layer.bindPopup(function (marker) { return hubPopup(marker.feature.properties); }, { maxWidth: 320 });
    layer.bindTooltip(function (marker) { return escapeHtml(marker.feature.properties.name); });
    return layer;
  }

  /* Text labels anchored at points (hubs, countries); their place is chosen by declutter. */
  function labels(data, options) {
    return L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        var html = '<span class="' + options.cssClass + '" data-order="' + p.order + '" data-radius="' + (p.radius || 0) + '">' +
          escapeHtml(p.name) + "</span>";
        return L.marker(latlng, {
          pane: "corridor-labels", interactive: false, keyboard: false,
          icon: L.divIcon({ className: "corridor-label-anchor", html: html, iconSize: [0, 0] })
        });
      }
    });
  }

  /* Where a label may sit around its point: right, left, above, below (country names: centred only). */
  function placements(label) {
    var r = +label.dataset.radius, w = label.offsetWidth, h = label.offsetHeight;
    if (!label.classList.contains("corridor-label")) return [[-w / 2, -h / 2]];
    return [[r + 3, -h / 2], [-w - r - 3, -h / 2], [-w / 2, -h - r - 2], [-w / 2, r + 2]];
  }

  function overlaps(a, b) {
    return a.left < b.right + 2 && a.right > b.left - 2 && a.top < b.bottom + 1 && a.bottom > b.top - 1;
  }

  /* Show labels in their order (route ends, then by rank, then country names), each at the first place
   * round its point that overlaps no label shown before it and no marker of such a label's hub; hide a
   * label whose place is taken (and one whose own marker is covered). Smaller ones appear as you zoom in. */
  function declutter(map) {
    var container = map.getContainer();
    var all = Array.prototype.slice.call(container.querySelectorAll(".corridor-label, .corridor-country-label"));
    all.sort(function (a, b) { return a.dataset.order - b.dataset.order; });
    var placed = [];
    all.forEach(function (label) {
      label.style.visibility = "hidden";
      var anchor = label.parentNode.getBoundingClientRect(), r = +label.dataset.radius;
      var marker = { left: anchor.left - r, right: anchor.left + r, top: anchor.top - r, bottom: anchor.top + r };
      var isHub = label.classList.contains("corridor-label");
      if (isHub && placed.some(function (other) { return overlaps(marker, other); })) return;
      var spot = placements(label).find(function (xy) {
        var box = { left: anchor.left + xy[0], top: anchor.top + xy[1] };
        box.right = box.left + label.offsetWidth;
        box.bottom = box.top + label.offsetHeight;
        return !placed.some(function (other) { return overlaps(box, other); });
      });
      if (!spot) return;
      label.style.left = spot[0] + "px";
      label.style.top = spot[1] + "px";
      label.style.visibility = "visible";
      var shown = label.getBoundingClientRect();
      placed.push({ left: shown.left, right: shown.right, top: shown.top, bottom: shown.bottom });
      if (isHub) placed.push(marker);
    });
  }

  function watchLabels(map) {
    var run = function () { declutter(map); };
    map.on("zoomend moveend overlayadd overlayremove resize", run);
    map.whenReady(function () { setTimeout(run, 0); });
    if (document.fonts) document.fonts.ready.then(run);  // label widths change when web fonts arrive
  }

  return {
    escapeHtml: escapeHtml, createPanes: createPanes, fitView: fitView, basemap: basemap, links: links, hubs: hubs,
    labels: labels, declutter: declutter, watchLabels: watchLabels
  };
})();
