/* The panel of the entries that cover a whole territory (templates/public/_scope_panel.html)
 * follows the map: after each move, it asks the server for the ones meeting the view, with
 * the page's filters, and swaps its list in when it changed. Without JavaScript the panel
 * lists those meeting the filters' territory (all of France without one). */
(function () {
  "use strict";
  var panel = document.getElementById("scope-panel");
  var body = document.getElementById("scope-panel-body");
  if (!panel || !body || !window.fetch) { return; }
  var base = panel.getAttribute("data-url");
  var timer = null;
  var shown = null;
  var clamp = function (value, limit) { return Math.max(-limit, Math.min(limit, value)); };

  function panelUrl(bbox) {
    var url = new URL(base, window.location.href);
    url.searchParams.set("bbox", bbox);
    return url.toString();
  }

  function refresh(bbox) {
    panel.setAttribute("data-state", "loading");
    fetch(panelUrl(bbox), { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        if (html !== shown) { body.innerHTML = html; shown = html; }
        panel.setAttribute("data-state", "ready");
      })
      .catch(function () { panel.setAttribute("data-state", "error"); });
  }

  document.addEventListener("maillage:bounds", function (event) {
    var b = event.detail;
    if (!b) { return; }
    var bbox = [clamp(b.west, 180), clamp(b.south, 90), clamp(b.east, 180), clamp(b.north, 90)]
      .map(function (value) { return value.toFixed(4); }).join(",");
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { refresh(bbox); }, 300);
  });
}());
