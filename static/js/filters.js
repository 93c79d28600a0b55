/* Maillage: small improvements to the filter form and the share box. Everything works
 * without this script; it folds the filters on phones, suggests communes, offers only the
 * chosen région's départements, copies the share links and keeps them in step with the
 * map's view (except after a new search or territory: the map then fits the results). */
(function () {
  "use strict";

  var SUGGEST_DELAY_MS = 200;
  var MAP_VIEW = /^#map=\d{1,2}\/-?\d+(?:\.\d+)?\/-?\d+(?:\.\d+)?$/;  // as map.js reads it

  function foldOnSmallScreens() {
    document.querySelectorAll("details[data-fold-below]").forEach(function (details) {
      var query = "(max-width: " + details.getAttribute("data-fold-below") + ")";
      if (window.matchMedia(query).matches) { details.open = false; }
    });
  }

  function suggestCommunes(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest-url");
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery || /\(\w{5}\)$/.test(query)) { return; }
      timer = window.setTimeout(function () {
        lastQuery = query;
        fetch(url + "?q=" + encodeURIComponent(query))
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (communes) {
            list.textContent = "";
            communes.forEach(function (commune) {
              var option = document.createElement("option");
              option.value = commune.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience: typing still works */ });
      }, SUGGEST_DELAY_MS);
    });
  }

  /* Offer only the départements of the chosen région; one of another région is dropped
   * (the server would say they cannot match together). */
  function narrowDepartements(select) {
    var region = document.getElementById(select.getAttribute("data-region-select"));
    var every = JSON.parse(select.getAttribute("data-departements"));
    if (!region) { return; }
    region.addEventListener("change", function () {
      var chosen = select.value;
      while (select.options.length > 1) { select.remove(1); }  // keep "all départements"
      every.forEach(function (departement) {
        if (region.value && departement.region !== region.value) { return; }
        select.add(new Option(departement.label, departement.code, false,
                              departement.code === chosen));
      });
      if (select.value !== chosen) { select.value = ""; }
    });
  }

  function enableCopyButtons() {
    if (!navigator.clipboard) { return; }
    var status = document.querySelector(".copy-status");
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.getAttribute("data-copy"));
        navigator.clipboard.writeText(field.value).then(function () {
          if (status) { status.textContent = status.getAttribute("data-copied"); }
        });
      });
    });
  }

  /* The map keeps its view in the URL's #map=…; the share links and the filters follow. */
  function followMapView() {
    function follow(hash) {
      var link = document.querySelector("[data-share=page]");
      if (link) { link.value = link.value.split("#")[0] + hash; }
      var embed = document.querySelector("[data-share=embed]");
      if (embed) {
        var src = embed.getAttribute("data-embed-src").split("#")[0] + hash;
        embed.value = '<iframe src="' + src + '" title="' + embed.getAttribute("data-embed-title") +
          '" width="100%" height="500" style="border:0" loading="lazy"></iframe>';
        embed.setAttribute("data-embed-src", src);
      }
      var form = document.getElementById("filters");
      if (form) { form.action = form.action.split("#")[0] + hash; }
    }
    document.addEventListener("maillage:view", function (event) { follow(event.detail.hash); });
    // A view given by the address is the visitor's too, before the map has moved at all.
    if (MAP_VIEW.test(window.location.hash)) { follow(window.location.hash); }
  }

  /* A new search or territory sends the form without the map's view, so that the next map
   * fits its results; other filters keep the view the visitor chose. */
  var FIT_FIELDS = ["q", "region", "departement", "commune_q"];

  function fitNewPlaces(form) {
    function values() {
      return FIT_FIELDS.map(function (name) {
        var field = form.elements.namedItem(name);
        return field ? field.value.trim() : "";
      }).join("\u0000");
    }
    var before = values();
    form.addEventListener("submit", function () {
      if (values() !== before) { form.action = form.action.split("#")[0]; }
    });
  }

  foldOnSmallScreens();
  document.querySelectorAll("input[data-suggest-url]").forEach(suggestCommunes);
  document.querySelectorAll("select[data-departements]").forEach(narrowDepartements);
  document.querySelectorAll("form#filters").forEach(fitNewPlaces);
  enableCopyButtons();
  followMapView();
}());
