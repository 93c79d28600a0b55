/* Maillage: the initiatives layer of a large collection, drawn from the server's clusters.
 *
 * Past MAP_CLIENT_POINTS_MAX points the page gives map.js a tilesUrl instead of a pointsUrl:
 * rather than every point, the map loads /api/v1/map/tiles/{z}/{x}/{y}.json for the tiles in
 * view, each holding at most 4 × 4 entries counted by the database: so the first view weighs
 * the same at a thousand or a million initiatives. The tiles of a margin around the view come
 * next, kept (not drawn) for the next move to draw at once. A cluster zooms to its
 * extent when activated, or lists its initiatives in a popup when zooming cannot part them;
 * a single initiative opens the same popup as on a small map. The world's tile (0/0/0)
 * gives the count announced and, when the filters narrow the map, the extent to fit.
 */
(function () {
  "use strict";

  var MAX_KEPT_TILES = 512;  // the answers kept while panning; the browser's cache has more
  var CLUSTER_PADDING = 48;  // pixels around a cluster's extent when zooming to it
  var WORLD = "0/0/0";  // the world's tile: the count announced, whatever the view

  function tileUrl(config, z, x, y) {
    return config.tilesUrl.replace("{z}", z).replace("{x}", x).replace("{y}", y);
  }

  /* The extent of a tile's initiatives, or null when it has none. */
  function extentOf(tile) {
    var bounds = null;
    function add(south, west, north, east) {
      var box = L.latLngBounds([south, west], [north, east]);
      bounds = bounds ? bounds.extend(box) : box;
    }
    tile.clusters.forEach(function (c) { add(c.bbox[1], c.bbox[0], c.bbox[3], c.bbox[2]); });
    tile.points.forEach(function (p) { add(p.lat, p.lon, p.lat, p.lon); });
    return bounds;
  }

  function TileLayer(map, config, popups) {
    var parts = window.MaillageMap.parts;
    this.map = map;
    this.config = config;
    this.popups = popups;
    this.parts = parts;
    this.icon = parts.iconFactory(config);
    this.group = L.featureGroup().addTo(map);
    this.tiles = new Map();  // "z/x/y" -> the promise of its answer (null on failure)
    this.loading = new Map();  // "z/x/y" -> the AbortController of its request in flight
    this.shown = new Map();  // entry key -> marker
    this.zoom = null;
    this.generation = 0;
    this.focusIn = null;
    parts.bindActivation(this.group, this);
    map.on("moveend", this.update, this);
  }

  function tileKey(tile) { return tile[0] + "/" + tile[1] + "/" + tile[2]; }

  /* The promise of a tile's answer ([z, x, y]): asked once, then kept (null on failure). */
  TileLayer.prototype.load = function (tile) {
    var key = tileKey(tile);
    var tiles = this.tiles;
    var loading = this.loading;
    if (!tiles.has(key)) {
      if (tiles.size >= MAX_KEPT_TILES) { tiles.clear(); }
      var controller = new AbortController();
      var url = tileUrl(this.config, tile[0], tile[1], tile[2]);
      var answer = this.parts.fetchJson(url, { signal: controller.signal }).catch(function (error) {
        if (tiles.get(key) === answer) { tiles.delete(key); }  // asked again on the next move
        if (!controller.signal.aborted) { window.console.error("Maillage map:", error); }
        return null;
      }).then(function (answered) {
        if (loading.get(key) === controller) { loading.delete(key); }
        return answered;
      });
      loading.set(key, controller);
      tiles.set(key, answer);
    }
    return tiles.get(key);
  };

  /* Give up the requests in flight that the new view does not want: they would hold the
     browser's few connections to the server before the new view's own. */
  TileLayer.prototype.cancelAllBut = function (wanted) {
    var tiles = this.tiles;
    var loading = this.loading;
    loading.forEach(function (controller, key) {
      if (wanted.has(key) || key === WORLD) { return; }
      tiles.delete(key);
      loading.delete(key);
      controller.abort();
    });
  };

  /* The tiles at this zoom covering the bounds and a margin (a share of their size): the
     bounds are projected at that zoom, whatever the map's zoom is by now. */
  TileLayer.prototype.tilesIn = function (bounds, zoom, padding) {
    var size = this.parts.TILE_PX;
    var min = this.map.project(bounds.getNorthWest(), zoom);
    var max = this.map.project(bounds.getSouthEast(), zoom);
    var padX = (max.x - min.x) * padding;
    var padY = (max.y - min.y) * padding;
    var last = Math.pow(2, zoom) - 1;
    var clamp = function (value) { return Math.min(Math.max(value, 0), last); };
    var found = [];
    for (var x = clamp(Math.floor((min.x - padX) / size));
         x <= clamp(Math.floor((max.x + padX) / size)); x++) {
      for (var y = clamp(Math.floor((min.y - padY) / size));
           y <= clamp(Math.floor((max.y + padY) / size)); y++) {
        found.push([zoom, x, y]);
      }
    }
    return found;
  };

  /* Show the entries of each tile in view as soon as its answer comes (at once for a tile
     already fetched); once all came, prune the markers of other tiles and fetch the margin,
     kept for the next move but not drawn: markers outside the view would only cost time.
     A newer move supersedes this one: nothing more is drawn or asked for it. */
  TileLayer.prototype.update = function () {
    var self = this;
    var zoom = Math.round(this.map.getZoom());
    var bounds = this.map.getBounds();
    var generation = ++this.generation;
    var margin = this.tilesIn(bounds, zoom, this.parts.VIEW_PADDING);
    this.cancelAllBut(new Set(margin.map(tileKey)));
    var arrived = [];
    var wanted = this.tilesIn(bounds, zoom, 0).map(function (tile) {
      return self.load(tile).then(function (answer) {
        arrived.push(answer);
        if (generation === self.generation) { self.draw(zoom, arrived, false); }
        return answer;
      });
    });
    return Promise.all(wanted).then(function (answers) {
      if (generation !== self.generation) { return; }
      self.draw(zoom, answers, true);
      margin.forEach(function (tile) { self.load(tile); });
    });
  };

  /* Add the tiles' markers not shown yet; with prune, remove those of other tiles. */
  TileLayer.prototype.draw = function (zoom, tiles, prune) {
    var self = this;
    if (zoom !== this.zoom) {
      this.group.clearLayers();
      this.shown = new Map();
      this.zoom = zoom;
    }
    var next = new Map();
    function keep(key, make) {
      var marker = self.shown.get(key);
      if (marker === undefined) {
        marker = make();
        self.group.addLayer(marker);
      }
      next.set(key, marker);
    }
    tiles.forEach(function (tile) {
      if (!tile) { return; }
      tile.clusters.forEach(function (c) {
        keep("c" + c.count + "@" + c.lon + "," + c.lat, function () { return self.cluster(c); });
      });
      tile.points.forEach(function (p) {
        keep("p" + p.id, function () { return self.point(p); });
      });
    });
    this.shown.forEach(function (marker, key) {
      if (!next.has(key)) {
        if (prune) { self.group.removeLayer(marker); } else { next.set(key, marker); }
      }
    });
    this.shown = next;
    if (prune && this.focusIn) {
      this.parts.focusFirstIn(this.map, this.shown, this.focusIn);
      this.focusIn = null;
    }
  };

  TileLayer.prototype.point = function (p) {
    var config = this.config;
    var theme = p.theme ? config.themes[p.theme] : null;
    var description = (config.kinds[p.kind] || p.kind) + " – " +
      (theme ? theme.label : config.text.noTheme);
    var marker = L.marker([p.lat, p.lon], {
      icon: this.icon(theme ? theme.colour : this.parts.NO_THEME_COLOUR, p.kind),
      title: p.name + " – " + description,
      riseOnHover: true
    });
    marker.initiativeId = p.id;
    return marker;
  };

  TileLayer.prototype.cluster = function (c) {
    var marker = L.marker([c.lat, c.lon], { icon: this.parts.clusterIcon(this.config, c.count) });
    marker.cluster = c;
    return marker;
  };

  /* A click or Enter: a single initiative opens its popup; a cluster zooms to its extent or,
   * when zooming cannot part its initiatives, lists them. */
  TileLayer.prototype.activate = function (marker, byKeyboard) {
    var c = marker.cluster;
    if (!c) {
      this.popups.open(marker, byKeyboard);
      return;
    }
    var map = this.map;
    var bounds = L.latLngBounds([c.bbox[1], c.bbox[0]], [c.bbox[3], c.bbox[2]]);
    if (c.ids) {
      this.popups.list(marker, c.ids, bounds, byKeyboard, c.count);
      return;
    }
    var padding = L.point(CLUSTER_PADDING, CLUSTER_PADDING);
    var target = Math.min(map.getBoundsZoom(bounds, false, padding), map.getMaxZoom());
    this.focusIn = byKeyboard ? bounds : null;
    if (target > map.getZoom()) {
      map.fitBounds(bounds, { padding: [CLUSTER_PADDING, CLUSTER_PADDING], maxZoom: target });
    } else {  // the extent fits already: its cell parts one zoom closer
      map.setView(bounds.getCenter(), map.getZoom() + 1);
    }
  };

  /* Load the world's tile (count, extent), fit the map to it when asked, show the view. */
  function attach(map, config, popups, keepView) {
    var parts = window.MaillageMap.parts;
    window.performance.mark("maillage:tiles-requested");
    var layer = new TileLayer(map, config, popups);
    var fits = config.fit && !keepView;
    var shown = fits ? null : layer.update();  // the view is known: load it meanwhile
    return layer.load([0, 0, 0]).then(function (world) {
      if (!world) { throw new Error("the world's tile did not load"); }
      var extent = extentOf(world);
      if (extent && fits) {
        map.fitBounds(extent, { maxZoom: parts.FIT_MAX_ZOOM, padding: [24, 24], animate: false });
      }
      return (shown || layer.update()).then(function () { parts.ready(map, config, world.count); });
    });
  }

  window.MaillageTiles = { attach: attach };
}());
