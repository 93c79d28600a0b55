/* Maillage: the initiatives layer of a large collection, drawn from the server's clusters.
 *
 * Past MAP_CLIENT_POINTS_MAX points the page gives map.js a tilesUrl instead of a pointsUrl:
 * rather than every point, the map loads /api/v1/map/tiles/{z}/{x}/{y}.json for the tiles in
 * view (and a margin), each holding at most 4 × 4 entries counted by the database: so the
 * first view weighs the same at a thousand or a million initiatives. A cluster zooms to its
 * extent when activated, or lists its initiatives in a popup when zooming cannot part them;
 * a single initiative opens the same popup as on a small map. The world's tile (0/0/0)
 * gives the count announced and, when the filters narrow the map, the extent to fit.
 */
(function () {
  "use strict";

  var MAX_KEPT_TILES = 512;  // the answers kept while panning; the browser's cache has more
  var CLUSTER_PADDING = 48;  // pixels around a cluster's extent when zooming to it

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
    this.shown = new Map();  // entry key -> marker
    this.zoom = null;
    this.generation = 0;
    this.focusIn = null;
    parts.bindActivation(this.group, this);
    map.on("moveend", this.update, this);
  }

  TileLayer.prototype.load = function (z, x, y) {
    var key = z + "/" + x + "/" + y;
    var tiles = this.tiles;
    if (!tiles.has(key)) {
      if (tiles.size >= MAX_KEPT_TILES) { tiles.clear(); }
      tiles.set(key, this.parts.fetchJson(tileUrl(this.config, z, x, y)).catch(function (error) {
        tiles.delete(key);  // asked again on the next move
        window.console.error("Maillage map:", error);
        return null;
      }));
    }
    return tiles.get(key);
  };

  /* The tiles covering the view and a margin (a share of its size) around it. */
  TileLayer.prototype.tilesInView = function (zoom, padding) {
    var size = this.parts.TILE_PX;
    var view = this.map.getPixelBounds();
    var padX = (view.max.x - view.min.x) * padding;
    var padY = (view.max.y - view.min.y) * padding;
    var last = Math.pow(2, zoom) - 1;
    var clamp = function (value) { return Math.min(Math.max(value, 0), last); };
    var found = [];
    for (var x = clamp(Math.floor((view.min.x - padX) / size));
         x <= clamp(Math.floor((view.max.x + padX) / size)); x++) {
      for (var y = clamp(Math.floor((view.min.y - padY) / size));
           y <= clamp(Math.floor((view.max.y + padY) / size)); y++) {
        found.push([zoom, x, y]);
      }
    }
    return found;
  };

  /* Show the entries of each tile in view as soon as its answer comes, then those of the
     margin kept for smooth panning (unless the map moved on meanwhile). Markers of tiles no
     longer wanted go once every wanted answer came, so none blinks out and back. */
  TileLayer.prototype.update = function () {
    var self = this;
    var zoom = Math.round(this.map.getZoom());
    var generation = ++this.generation;
    function show(padding) {
      var arrived = [];
      var wanted = self.tilesInView(zoom, padding).map(function (t) {
        return self.load(t[0], t[1], t[2]).then(function (tile) {
          arrived.push(tile);
          if (generation === self.generation) { self.draw(zoom, arrived, false); }
          return tile;
        });
      });
      return Promise.all(wanted).then(function (tiles) {
        if (generation === self.generation) { self.draw(zoom, tiles, true); }
      });
    }
    return show(0).then(function () { return show(self.parts.VIEW_PADDING); });
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
    return layer.load(0, 0, 0).then(function (world) {
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
