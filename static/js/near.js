/* Maillage: the "Autour de moi" button of the filter form. Without this script the field
 * still takes a commune, a postcode or coordinates; with it, the button asks the browser
 * for the visitor's position, writes it in the field as lon,lat and submits the form. */
(function () {
  "use strict";

  var DECIMALS = 5;  // about a metre: more would only lengthen the shared URL

  function enable(fieldset) {
    var button = fieldset.querySelector(".near__locate");
    var input = fieldset.querySelector("input[name=near]");
    var status = fieldset.querySelector(".near__status");
    if (!button || !input || !("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-searching");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        var coords = position.coords;
        input.value = coords.longitude.toFixed(DECIMALS) + "," + coords.latitude.toFixed(DECIMALS);
        input.form.submit();
      }, function () {
        button.disabled = false;
        status.textContent = button.getAttribute("data-denied");
        input.focus();
      }, {timeout: 15000, maximumAge: 600000});
    });
  }

  document.querySelectorAll("[data-near]").forEach(enable);
}());
