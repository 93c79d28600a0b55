/* The "Où ?" part of the initiative forms: a local initiative has a commune and a point, one
 * that covers a whole territory has a territory and no point. Show the part the chosen
 * scope needs, and offer the départements' or the régions' names for the territory. Without
 * JavaScript both parts show, and the server keeps the one the scope says. */
(function () {
  "use strict";
  var choices = document.querySelectorAll("[data-scope-choice]");
  var local = document.querySelector("[data-scope-part='local']");
  var territory = document.querySelector("[data-scope-part='territory']");
  if (!choices.length || !local || !territory) { return; }
  var input = territory.querySelector("input");

  function chosen() {
    for (var i = 0; i < choices.length; i += 1) {
      if (choices[i].checked) { return choices[i].value; }
    }
    return "local";
  }

  function show() {
    var scope = chosen();
    var wasHidden = local.hidden;
    local.hidden = scope !== "local";
    territory.hidden = scope === "local" || scope === "national";
    if (input) {
      var list = scope === "regional" ? input.getAttribute("data-region-list")
        : scope === "departemental" ? input.getAttribute("data-departement-list") : null;
      if (list) { input.setAttribute("list", list); } else { input.removeAttribute("list"); }
    }
    // The picker map was hidden: Leaflet measures its size again on a resize.
    if (wasHidden && !local.hidden) { window.dispatchEvent(new Event("resize")); }
  }

  for (var i = 0; i < choices.length; i += 1) { choices[i].addEventListener("change", show); }
  show();
}());
