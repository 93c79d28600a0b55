/* Maillage: small improvements to the filter form and the share box. Everything works
 * without this script; it folds the filters on phones, suggests communes, copies the
 * share links and keeps them in step with the map's view. */
(function () {
  "use strict";

  var SUGGEST_DELAY_MS = 200;

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
    document.addEventListener("maillage:view", function (event) {
      var hash = event.detail.hash;
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
    });
  }

  foldOnSmallScreens();
  document.querySelectorAll("input[data-suggest-url]").forEach(suggestCommunes);
  enableCopyButtons();
  followMapView();
}());
