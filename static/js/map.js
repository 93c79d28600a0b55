/* Maillage: the initiatives layer of a Folium map.
 *
 * MaillageMap.attach(map, config) loads /api/v1/map/points (parallel arrays, a few bytes per
 * initiative), creates the markers in bulk and clusters them, then fetches an initiative's
 * details only when its popup opens. Popups are built with DOM nodes and textContent:
 * nothing from the data is ever parsed as HTML.
 */
(function () {
  "use strict";

  var NO_THEME_COLOUR = "#4A4A4A";
  var FIT_MAX_ZOOM = 12;
  var HASH_VIEW = /^#map=(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function fetchJson(url) {
    return fetch(url).then(function (response) {
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

  function clusterIconFactory(config) {
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? 36 : count < 100 ? 42 : count < 1000 ? 50 : 58;
      var content = element("span", "initiative-cluster__count");
      var visible = element("span", null, count.toLocaleString(config.locale));
      visible.setAttribute("aria-hidden", "true");
      content.appendChild(visible);
      content.appendChild(element("span", "visually-hidden",
        formatCount(config.text.cluster, count, config.locale)));
      return L.divIcon({ html: content, className: "initiative-cluster", iconSize: [size, size] });
    };
  }

  function buildMarkers(data, config) {
    var icon = iconFactory(config);
    var themes = data.themes.map(function (slug) { return config.themes[slug] || null; });
    var markers = new Array(data.id.length);
    for (var i = 0; i < data.id.length; i++) {
      var theme = data.theme[i] >= 0 ? themes[data.theme[i]] : null;
      var kind = data.kinds[data.kind[i]];
      var marker = L.marker([data.lat[i], data.lon[i]], {
        icon: icon(theme ? theme.colour : NO_THEME_COLOUR, kind),
        title: (config.kinds[kind] || kind) + " – " + (theme ? theme.label : config.text.noTheme),
        riseOnHover: true
      });
      marker.initiativeId = data.id[i];
      markers[i] = marker;
    }
    return markers;
  }

  function pageHref(config, id, url) {
    try {
      var parsed = new URL(url, window.location.href);
      if (parsed.origin === window.location.origin) { return parsed.href; }
    } catch (error) { /* no usable URL in the data: use our own */ }
    return config.pageUrl.replace("{id}", String(id));
  }

  function fillPopup(box, config, id, feature) {
    var props = (feature && feature.properties) || {};
    box.textContent = "";
    box.appendChild(element("p", "initiative-popup__title", props.name || ""));
    var meta = [config.kinds[props.kind] || props.kind, props.commune].filter(Boolean);
    box.appendChild(element("p", "initiative-popup__meta", meta.join(" · ")));
    if (props.summary) { box.appendChild(element("p", "initiative-popup__summary", props.summary)); }
    var link = element("a", "initiative-popup__link", config.text.open);
    link.href = pageHref(config, id, props.url);
    link.appendChild(element("span", "visually-hidden", " – " + (props.name || "")));
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

  Popups.prototype.open = function (marker, byKeyboard) {
    var map = this.map;
    var box = element("div", "initiative-popup");
    box.setAttribute("data-initiative-id", String(marker.initiativeId));
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { map.closePopup(); }
    });
    box.appendChild(element("p", "initiative-popup__loading", this.config.text.loading));
    this.returnFocusTo = byKeyboard ? marker : null;
    this.popup.setLatLng(marker.getLatLng()).setContent(box).openOn(map);
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
        var link = element("a", null, config.text.open);
        link.href = config.pageUrl.replace("{id}", String(id));
        box.appendChild(element("p")).appendChild(link);
        popup.update();
      });
  };

  function announce(config, count) {
    var status = document.getElementById("map-status");
    if (!status) { return; }
    var text = count === 0 ? config.text.zero : count === 1 ? config.text.one : config.text.many;
    status.textContent = formatCount(text, count, config.locale);
  }

  function syncView(map) {
    var view = hashView();
    if (view) { map.setView(view.center, view.zoom); }
    map.on("moveend", function () {
      var centre = map.getCenter();
      var hash = "#map=" + map.getZoom() + "/" + centre.lat.toFixed(4) + "/" + centre.lng.toFixed(4);
      window.history.replaceState(null, "", hash);
      document.dispatchEvent(new CustomEvent("maillage:view", { detail: { hash: hash } }));
    });
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

  function dataBounds(data) {
    var bounds = L.latLngBounds([data.lat[0], data.lon[0]], [data.lat[0], data.lon[0]]);
    for (var i = 1; i < data.lat.length; i++) { bounds.extend([data.lat[i], data.lon[i]]); }
    return bounds;
  }

  function addPoints(map, group, config, data, keepView) {
    // Marks for the benchmarks: data received, markers made, clusters shown (ready).
    window.performance.mark("maillage:points-loaded");
    var markers = buildMarkers(data, config);
    window.performance.mark("maillage:markers-built");
    if (markers.length === 0) {
      ready(map, config, 0);
      return;
    }
    // Fit before clustering: the clusters are then computed once, for the final view.
    if (config.fit && !keepView) {
      map.fitBounds(dataBounds(data), { maxZoom: FIT_MAX_ZOOM, padding: [24, 24], animate: false });
    }
    group.options.chunkProgress = function (processed, total) {
      // Called just before the last step (bounds, icons, display): be ready after it.
      if (processed === total) { window.setTimeout(ready, 0, map, config, total); }
    };
    group.addLayers(markers, true);  // true: no "layeradd" event per marker
  }

  /* The cluster group: clicks and Enter open a marker's popup or zoom into a cluster. */
  function clusterGroup(config, popups) {
    var group = L.markerClusterGroup({
      // Bulk, chunked loading: 10,000 markers are clustered without freezing the page.
      chunkedLoading: true,
      chunkInterval: 250,
      chunkDelay: 10,
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      iconCreateFunction: clusterIconFactory(config)
    });
    group.on("click", function (event) { popups.open(event.layer, false); });
    group.on("keypress", function (event) {
      if (event.originalEvent.keyCode === 13) { popups.open(event.layer, true); }
    });
    group.on("clusterkeypress", function (event) {
      if (event.originalEvent.keyCode === 13) { group.fire("click", event); }
    });
    return group;
  }

  function attach(map, config) {
    L.control.zoom({ zoomInTitle: config.text.zoomIn, zoomOutTitle: config.text.zoomOut })
      .addTo(map);
    var keepView = config.syncView ? syncView(map) : false;
    var container = map.getContainer();
    container.setAttribute("data-state", "loading");
    var group = clusterGroup(config, new Popups(map, config));
    map.addLayer(group);
    // Same request as the page's <link rel="preload">, so the browser reuses it.
    fetchJson(config.pointsUrl)
      .then(function (data) { addPoints(map, group, config, data, keepView); })
      .catch(function (error) {
        window.console.error("Maillage map:", error);
        container.setAttribute("data-state", "error");
        var status = document.getElementById("map-status");
        if (status) { status.textContent = config.text.loadFailed; }
      });
  }

  window.MaillageMap = { attach: attach };
}());
