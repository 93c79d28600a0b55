/* Maillage: the initiatives layer of a Folium map.
 *
 * MaillageMap.attach(map, config) loads /api/v1/map/points (parallel arrays, a few bytes per
 * initiative) and shows them grouped: the points are projected once, then, for each zoom
 * level the visitor reaches, binned into a grid of cells about CELL_PX wide (one pass over
 * typed arrays, kept for the next visit of that zoom). Only the cells in view become markers,
 * so 100,000 initiatives cost a few hundred elements, never 100,000. A cell holding several
 * initiatives is a cluster: activating it zooms in, or, when its initiatives share one place,
 * lists them in a popup. An initiative's details are fetched only when its popup opens.
 * Popups are built with DOM nodes and textContent: nothing from the data is parsed as HTML.
 */
(function () {
  "use strict";

  var NO_THEME_COLOUR = "#4A4A4A";
  var FIT_MAX_ZOOM = 12;
  var HASH_VIEW = /^#map=(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/;
  var TILE_PX = 256;
  var CELL_PX = 64;  // initiatives closer than about this on screen are grouped
  var VIEW_PADDING = 0.25;  // cells this far outside the view are drawn too (smooth panning)
  var LIST_LIMIT = 10;  // a cluster's popup lists at most this many initiatives
  var CELL_KEY_FACTOR = 4194304;  // 2^22 cells per axis: more than zoom 18 needs (2^20)
  var NAMES_PER_REQUEST = 200;  // the server answers at most 500

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function fetchJson(url, options) {
    return fetch(url, options).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status + " for " + url); }
      return response.json();
    });
  }

  function formatCount(template, count, locale) {
    return template.replace("{n}", count.toLocaleString(locale));
  }

  function hashView() {
    var match = HASH_VIEW.exec(window.location.hash);
    return match ? { zoom: Number(match[1]), center: [Number(match[2]), Number(match[3])] } : null;
  }

  /* Web Mercator in [0, 1] x [0, 1] (x east, y south), and back. */
  function projectX(lon) { return lon / 360 + 0.5; }
  function projectY(lat) {
    var sin = Math.min(Math.max(Math.sin(lat * Math.PI / 180), -0.9999), 0.9999);
    return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
  }
  function unproject(x, y) {
    var lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180 / Math.PI;
    return L.latLng(lat, (x - 0.5) * 360);
  }

  /* The loaded initiatives, projected once; their grid of cells per zoom level, on demand. */
  function PointIndex(data) {
    var count = data.id.length;
    this.data = data;
    this.count = count;
    this.x = new Float64Array(count);
    this.y = new Float64Array(count);
    for (var i = 0; i < count; i++) {
      this.x[i] = projectX(data.lon[i]);
      this.y[i] = projectY(data.lat[i]);
    }
    this.grids = {};
  }

  PointIndex.prototype.cellsPerWorld = function (zoom) {
    return Math.pow(2, zoom) * TILE_PX / CELL_PX;
  };

  PointIndex.prototype.keyOf = function (i, scale) {
    return Math.floor(this.x[i] * scale) * CELL_KEY_FACTOR + Math.floor(this.y[i] * scale);
  };

  /* Every non-empty cell at this zoom: count, centroid, extent and first initiative. */
  PointIndex.prototype.grid = function (zoom) {
    if (this.grids[zoom]) { return this.grids[zoom]; }
    var scale = this.cellsPerWorld(zoom);
    var byKey = new Map();
    var cells = [];
    for (var i = 0; i < this.count; i++) {
      var x = this.x[i];
      var y = this.y[i];
      var key = this.keyOf(i, scale);
      var cell = byKey.get(key);
      if (cell === undefined) {
        cell = { key: key, first: i, count: 0, sumX: 0, sumY: 0,
                 minX: x, minY: y, maxX: x, maxY: y };
        byKey.set(key, cell);
        cells.push(cell);
      }
      cell.count += 1;
      cell.sumX += x;
      cell.sumY += y;
      if (x < cell.minX) { cell.minX = x; } else if (x > cell.maxX) { cell.maxX = x; }
      if (y < cell.minY) { cell.minY = y; } else if (y > cell.maxY) { cell.maxY = y; }
    }
    this.grids[zoom] = cells;
    return cells;
  };

  /* The indexes of the initiatives of one cell (a scan: only when a cluster is opened). */
  PointIndex.prototype.members = function (cell, zoom) {
    var scale = this.cellsPerWorld(zoom);
    var found = [];
    for (var i = 0; i < this.count; i++) {
      if (this.keyOf(i, scale) === cell.key) { found.push(i); }
    }
    return found;
  };

  PointIndex.prototype.bounds = function () {
    var data = this.data;
    var bounds = L.latLngBounds([data.lat[0], data.lon[0]], [data.lat[0], data.lon[0]]);
    for (var i = 1; i < this.count; i++) { bounds.extend([data.lat[i], data.lon[i]]); }
    return bounds;
  };

  /* Icons are shared by every marker of the same theme colour and kind. */
  function iconFactory(config) {
    var cache = {};
    return function (colour, kind) {
      var key = colour + kind;
      if (!cache[key]) {
        // colour is a validated #RRGGBB and the path a constant of ours: no data in here.
        cache[key] = L.divIcon({
          className: "initiative-marker",
          html: '<span class="initiative-marker__pin" style="background-color:' + colour + '">' +
            '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="' +
            (config.icons[kind] || "") + '"/></svg></span>',
          iconSize: [30, 30],
          iconAnchor: [15, 15],
          popupAnchor: [0, -12]
        });
      }
      return cache[key];
    };
  }

  function clusterIcon(config, count) {
    var size = count < 10 ? 36 : count < 100 ? 42 : count < 1000 ? 50 : 58;
    var content = element("span", "initiative-cluster__count");
    var visible = element("span", null, count.toLocaleString(config.locale));
    visible.setAttribute("aria-hidden", "true");
    content.appendChild(visible);
    content.appendChild(element("span", "visually-hidden",
      formatCount(config.text.cluster, count, config.locale)));
    return L.divIcon({ html: content, className: "initiative-cluster", iconSize: [size, size] });
  }

  function pageHref(config, id, url) {
    try {
      var parsed = new URL(url, window.location.href);
      if (parsed.origin === window.location.origin) { return parsed.href; }
    } catch (error) { /* no usable URL in the data: use our own */ }
    return config.pageUrl.replace("{id}", String(id));
  }

  /* A link to one of our pages; in an embed asking for new tabs, it says it opens one (the
   * embed page's <base target> sends every link out of the frame). */
  function pageLink(config, className, text, href) {
    var link = element("a", className, text);
    link.href = href;
    if (config.newTab) { link.appendChild(element("span", "visually-hidden", " " + config.text.newTab)); }
    return link;
  }

  /* A number kept in E.164 as French people write it (app/initiatives/phones.py does the
   * same on pages): +33385591234 → 03 85 59 12 34; other countries keep their prefix. */
  function displayPhone(e164) {
    var national = /^\+(33|590|594|262|596)(\d{9})$/.exec(e164);
    var digits = national ? "0" + national[2] : e164.slice(4);
    var pairs = digits.match(/\d{1,2}/g) || [];
    return (national ? "" : e164.slice(0, 4) + " ") + pairs.join(" ");
  }

  function phoneLink(phone) {
    var link = element("a", "phone", displayPhone(phone));
    link.href = "tel:" + phone;
    return link;
  }

  /* "Informations confirmées le …", marked "à vérifier" when older than the threshold: the
   * server gives today and the cutoff day, so the mark is the page's and the list's. */
  function freshnessNote(config, props) {
    var day = props.last_verified_on;
    if (!day || !config.freshness) { return null; }
    var stale = day < config.freshness.staleBefore;  // ISO dates compare as text
    var note = element("p", "initiative-popup__freshness" + (stale ? " initiative-popup__freshness--stale" : ""));
    if (stale) { note.appendChild(element("span", "badge badge--stale", config.text.stale)); }
    var shown = new Date(day + "T12:00:00Z").toLocaleDateString(config.locale, { year: "numeric", month: "long", day: "numeric" });
    note.appendChild(document.createTextNode(config.text.verified.replace("{date}", shown)));
    return note;
  }

  function fillPopup(box, config, id, feature) {
    var props = (feature && feature.properties) || {};
    box.textContent = "";
    box.appendChild(element("p", "initiative-popup__title", props.name || ""));
    var meta = [config.kinds[props.kind] || props.kind, props.commune].filter(Boolean);
    box.appendChild(element("p", "initiative-popup__meta", meta.join(" · ")));
    if (props.summary) { box.appendChild(element("p", "initiative-popup__summary", props.summary)); }
    if (props.phone) { box.appendChild(element("p", "initiative-popup__phone")).appendChild(phoneLink(props.phone)); }
    var freshness = freshnessNote(config, props);
    if (freshness) { box.appendChild(freshness); }
    var link = pageLink(config, "initiative-popup__link", config.text.open,
      pageHref(config, id, props.url));
    link.insertBefore(element("span", "visually-hidden", " – " + (props.name || "")),
      link.firstChild.nextSibling);
    box.appendChild(element("p")).appendChild(link);
    return link;
  }

  /* One popup for the whole map, filled when it opens; keyboard users get the focus into it
   * and back on the marker when it closes. */
  function Popups(map, config) {
    var self = this;
    this.map = map;
    this.config = config;
    this.returnFocusTo = null;
    this.popup = L.popup({ maxWidth: 300, minWidth: 200, autoPanPadding: [16, 16], offset: [0, -8] });
    map.on("popupclose", function () {
      var icon = self.returnFocusTo && self.returnFocusTo.getElement();
      self.returnFocusTo = null;
      if (icon) { icon.focus(); }
    });
  }

  Popups.prototype.show = function (marker, byKeyboard, className) {
    var map = this.map;
    var box = element("div", className);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { map.closePopup(); }
    });
    box.appendChild(element("p", "initiative-popup__loading", this.config.text.loading));
    this.returnFocusTo = byKeyboard ? marker : null;
    this.popup.setLatLng(marker.getLatLng()).setContent(box).openOn(map);
    return box;
  };

  Popups.prototype.open = function (marker, byKeyboard) {
    var box = this.show(marker, byKeyboard, "initiative-popup");
    box.setAttribute("data-initiative-id", String(marker.initiativeId));
    this.load(box, marker.initiativeId, byKeyboard);
  };

  /* Fetch the initiative's details into the popup; on failure, still offer its page. */
  Popups.prototype.load = function (box, id, byKeyboard) {
    var config = this.config;
    var popup = this.popup;
    fetchJson(config.detailUrl.replace("{id}", String(id)))
      .then(function (feature) {
        var link = fillPopup(box, config, id, feature);
        popup.update();
        if (byKeyboard) { link.focus(); }
      })
      .catch(function () {
        box.textContent = "";
        box.appendChild(element("p", "initiative-popup__error", config.text.failed));
        var link = pageLink(config, null, config.text.open,
          config.pageUrl.replace("{id}", String(id)));
        box.appendChild(element("p")).appendChild(link);
        popup.update();
      });
  };

  /* Initiatives sharing one place (or too close to part at the closest zoom): list them,
   * each with a link to its page, and the whole group in the list page when it is long. */
  Popups.prototype.list = function (marker, ids, bounds, byKeyboard, total) {
    var count = total || ids.length;
    var config = this.config;
    var popup = this.popup;
    var box = this.show(marker, byKeyboard, "initiative-popup initiative-popup--list");
    var shown = ids.slice(0, LIST_LIMIT);
    Promise.all(shown.map(function (id) {
      return fetchJson(config.detailUrl.replace("{id}", String(id))).catch(function () {
        return null;
      });
    })).then(function (features) {
      box.textContent = "";
      box.appendChild(element("p", "initiative-popup__title",
        formatCount(config.text.here, count, config.locale)));
      var list = box.appendChild(element("ul", "initiative-popup__list"));
      var first = null;
      features.forEach(function (feature, index) {
        var props = (feature && feature.properties) || {};
        var link = pageLink(config, "initiative-popup__link", props.name || config.text.open,
          pageHref(config, shown[index], props.url));
        list.appendChild(element("li")).appendChild(link);
        first = first || link;
      });
      if (count > shown.length) {
        var more = pageLink(config, "initiative-popup__link",
          formatCount(config.text.seeAll, count, config.locale), listHref(config, bounds));
        box.appendChild(element("p")).appendChild(more);
      }
      popup.update();
      if (byKeyboard && first) { first.focus(); }
    });
  };

  function listHref(config, bounds) {
    var url = new URL(config.listUrl, window.location.href);
    var pad = 0.0005;  // about 50 m: the group's own points, whatever the rounding
    url.searchParams.set("bbox", [bounds.getWest() - pad, bounds.getSouth() - pad,
      bounds.getEast() + pad, bounds.getNorth() + pad].map(function (value) {
      return value.toFixed(5);
    }).join(","));
    return url.href;
  }

  /* The markers of the cells in view, kept in step with the map's zoom and position. */
  function ClusterLayer(map, index, config, popups) {
    this.map = map;
    this.index = index;
    this.config = config;
    this.popups = popups;
    this.icon = iconFactory(config);
    this.themes = index.data.themes.map(function (slug) { return config.themes[slug] || null; });
    this.group = L.featureGroup().addTo(map);
    this.shown = new Map();
    this.zoom = null;
    this.names = new Map();  // initiative id -> name, fetched for the markers shown
    this.focusIn = null;  // bounds whose first marker takes the focus after a keyboard zoom
    bindActivation(this.group, this);
    map.on("moveend", this.update, this);
  }

  /* A click, Enter or Space on a marker of the group calls layer.activate(marker, byKeyboard). */
  function bindActivation(group, layer) {
    group.on("click", function (event) { layer.activate(event.layer, false); });
    group.on("keypress", function (event) {
      if (event.originalEvent.keyCode === 13) { layer.activate(event.layer, true); }
    });
    // Space activates a button too; keep it from scrolling the page.
    group.on("keydown", function (event) {
      if (event.originalEvent.key === " ") {
        event.originalEvent.preventDefault();
        layer.activate(event.layer, true);
      }
    });
  }

  ClusterLayer.prototype.update = function () {
    var map = this.map;
    var zoom = map.getZoom();
    if (zoom !== this.zoom) {
      this.group.clearLayers();
      this.shown = new Map();
      this.zoom = zoom;
    }
    var world = TILE_PX * Math.pow(2, zoom);
    var view = map.getPixelBounds();
    var padX = (view.max.x - view.min.x) * VIEW_PADDING;
    var padY = (view.max.y - view.min.y) * VIEW_PADDING;
    var west = (view.min.x - padX) / world;
    var east = (view.max.x + padX) / world;
    var north = (view.min.y - padY) / world;
    var south = (view.max.y + padY) / world;
    var cells = this.index.grid(zoom);
    var next = new Map();
    for (var i = 0; i < cells.length; i++) {
      var cell = cells[i];
      var x = cell.sumX / cell.count;
      var y = cell.sumY / cell.count;
      if (x < west || x > east || y < north || y > south) { continue; }
      var marker = this.shown.get(cell.key);
      if (marker === undefined) {
        marker = this.marker(cell, x, y);
        this.group.addLayer(marker);
      }
      next.set(cell.key, marker);
    }
    var group = this.group;
    this.shown.forEach(function (marker, key) {
      if (!next.has(key)) { group.removeLayer(marker); }
    });
    this.shown = next;
    if (this.focusIn) { this.focusFirstIn(this.focusIn); }
    this.loadNames();
  };

  /* After a keyboard zoom into a cluster the cluster is gone: give the focus to the first of
   * its markers in reading order (top to bottom, left to right), never to the page. */
  ClusterLayer.prototype.focusFirstIn = function (bounds) {
    this.focusIn = null;
    focusFirstIn(this.map, this.shown, bounds);
  };

  function focusFirstIn(map, shown, bounds) {
    var around = bounds.pad(0.01);  // the markers sit on its edges, give or take a rounding
    var first = null;
    var firstAt = null;
    shown.forEach(function (marker) {
      if (!around.contains(marker.getLatLng())) { return; }
      var at = map.latLngToContainerPoint(marker.getLatLng());
      if (!first || at.y < firstAt.y || (at.y === firstAt.y && at.x < firstAt.x)) {
        first = marker;
        firstAt = at;
      }
    });
    var target = first && first.getElement();
    (target || map.getContainer()).focus();
  }

  /* The points carry no names (they would weigh more than the rest): fetch those of the
   * single markers in view, a few hundred at most, for their accessible name and tooltip. */
  ClusterLayer.prototype.loadNames = function () {
    var self = this;
    var missing = [];
    this.shown.forEach(function (marker) {
      var id = marker.initiativeId;
      if (id !== undefined && !self.names.has(id)) { missing.push(id); }
    });
    for (var start = 0; start < missing.length; start += NAMES_PER_REQUEST) {
      var ids = missing.slice(start, start + NAMES_PER_REQUEST);
      ids.forEach(function (id) { self.names.set(id, null); });  // asked for: once only
      fetchJson(this.config.namesUrl + "?ids=" + ids.join(","))
        .then(function (names) { self.nameMarkers(names); })
        .catch(function () { /* the kind and theme stay as the markers' names */ });
    }
  };

  ClusterLayer.prototype.nameMarkers = function (names) {
    var self = this;
    Object.keys(names).forEach(function (id) { self.names.set(Number(id), names[id]); });
    this.shown.forEach(function (marker) {
      var name = self.names.get(marker.initiativeId);
      if (!name) { return; }
      marker.options.title = name + " – " + marker.description;
      var icon = marker.getElement();
      if (icon) { icon.title = marker.options.title; }
    });
  };

  ClusterLayer.prototype.marker = function (cell, x, y) {
    var marker;
    if (cell.count === 1) {
      var data = this.index.data;
      var i = cell.first;
      var theme = data.theme[i] >= 0 ? this.themes[data.theme[i]] : null;
      var kind = data.kinds[data.kind[i]];
      // Its name first once known (loadNames), then what it is.
      var description = (this.config.kinds[kind] || kind) + " – " +
        (theme ? theme.label : this.config.text.noTheme);
      var name = this.names.get(data.id[i]);
      marker = L.marker([data.lat[i], data.lon[i]], {
        icon: this.icon(theme ? theme.colour : NO_THEME_COLOUR, kind),
        title: name ? name + " – " + description : description,
        riseOnHover: true
      });
      marker.initiativeId = data.id[i];
      marker.description = description;
    } else {
      marker = L.marker(unproject(x, y), { icon: clusterIcon(this.config, cell.count) });
    }
    marker.cell = cell;
    return marker;
  };

  /* A click or Enter: a single initiative opens its popup; a cluster zooms in on its
   * initiatives or, when zooming cannot part them, lists them. */
  ClusterLayer.prototype.activate = function (marker, byKeyboard) {
    var cell = marker.cell;
    if (cell.count === 1) {
      this.popups.open(marker, byKeyboard);
      return;
    }
    var map = this.map;
    var bounds = L.latLngBounds(unproject(cell.minX, cell.maxY), unproject(cell.maxX, cell.minY));
    var together = cell.minX === cell.maxX && cell.minY === cell.maxY;
    var target = Math.min(map.getBoundsZoom(bounds, false, L.point(48, 48)), map.getMaxZoom());
    if (!together && target > map.getZoom()) {
      this.focusIn = byKeyboard ? bounds : null;
      map.fitBounds(bounds, { padding: [48, 48], maxZoom: target });
      return;
    }
    var data = this.index.data;
    var ids = this.index.members(cell, this.zoom).map(function (i) { return data.id[i]; });
    this.popups.list(marker, ids, bounds, byKeyboard);
  };

  function announce(config, count) {
    var status = document.getElementById("map-status");
    if (!status) { return; }
    var text = count === 0 ? config.text.zero : count === 1 ? config.text.one : config.text.many;
    status.textContent = formatCount(text, count, config.locale);
  }

  /* The view's box, for what lists the entries meeting it (the whole-territory panel). */
  function tellBounds(map) {
    var b = map.getBounds();
    document.dispatchEvent(new CustomEvent("maillage:bounds", { detail: {
      west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() } }));
  }

  function syncView(map) {
    var view = hashView();
    if (view) { map.setView(view.center, view.zoom, { animate: false }); }
    function record() {
      var centre = map.getCenter();
      var hash = "#map=" + map.getZoom() + "/" + centre.lat.toFixed(4) + "/" + centre.lng.toFixed(4);
      window.history.replaceState(null, "", hash);
      document.dispatchEvent(new CustomEvent("maillage:view", { detail: { hash: hash } }));
      tellBounds(map);
    }
    map.on("moveend", record);
    map.whenReady(record);  // the first view (the page's fit or the address's) was no move
    return Boolean(view);
  }

  function ready(map, config, count) {
    window.performance.mark("maillage:map-ready");
    var container = map.getContainer();
    container.setAttribute("data-count", String(count));
    container.setAttribute("data-state", "ready");
    announce(config, count);
    window.maillageMapReadyAt = window.performance.now();
  }

  function addPoints(map, config, popups, data, keepView) {
    // Marks for the benchmarks: data received, points indexed, markers shown (ready).
    window.performance.mark("maillage:points-loaded");
    var index = new PointIndex(data);
    window.performance.mark("maillage:points-indexed");
    var layer = new ClusterLayer(map, index, config, popups);
    if (index.count > 0 && config.fit && !keepView) {
      map.fitBounds(index.bounds(), { maxZoom: FIT_MAX_ZOOM, padding: [24, 24], animate: false });
    }
    layer.update();
    ready(map, config, index.count);
  }

  function attach(map, config) {
    L.control.zoom({ zoomInTitle: config.text.zoomIn, zoomOutTitle: config.text.zoomOut })
      .addTo(map);
    var keepView = config.syncView ? syncView(map) : false;
    var container = map.getContainer();
    container.setAttribute("data-state", "loading");
    var popups = new Popups(map, config);
    // A large collection: the server's clusters of the tiles in view (map-tiles.js).
    var loaded = config.tilesUrl
      ? window.MaillageTiles.attach(map, config, popups, keepView)
      // Same request as the page's <link rel="preload">, so the browser reuses it.
      : fetchJson(config.pointsUrl).then(function (data) {
        addPoints(map, config, popups, data, keepView);
      });
    loaded.catch(function (error) {
      window.console.error("Maillage map:", error);
      container.setAttribute("data-state", "error");
      var status = document.getElementById("map-status");
      if (status) { status.textContent = config.text.loadFailed; }
    });
  }

  window.MaillageMap = {
    attach: attach,
    // What map-tiles.js shares with the points drawn here.
    parts: { NO_THEME_COLOUR: NO_THEME_COLOUR, FIT_MAX_ZOOM: FIT_MAX_ZOOM, TILE_PX: TILE_PX,
             VIEW_PADDING: VIEW_PADDING, fetchJson: fetchJson, iconFactory: iconFactory,
             clusterIcon: clusterIcon, bindActivation: bindActivation,
             focusFirstIn: focusFirstIn, ready: ready }
  };
}());
