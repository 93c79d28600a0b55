/* The place of an initiative in the proposal forms: commune autocomplete and a draggable pin.
 *
 * The commune field becomes an ARIA combobox fed by the API (/api/v1/communes?q=); choosing a
 * commune fills the hidden INSEE field and centres the map. Dragging the pin (or moving it
 * with the arrow keys) fills the hidden lon/lat fields: the point is then exact. Without this
 * script, the typed commune name is enough: the server finds the commune.
 */
(function () {
  "use strict";

  var KEY_STEP_PX = 12;
  var MIN_QUERY = 2;
  var DELAY_MS = 180;

  function byId(id) { return document.getElementById(id); }

  function label(commune) {
    var postcode = (commune.postcodes && commune.postcodes[0]) || commune.insee;
    return commune.name + " (" + postcode + ", " + (commune.departement_name || commune.departement) + ")";
  }

  function Picker(map, config) {
    this.map = map;
    this.config = config;
    this.fields = {};
    for (var key in config.fields) { this.fields[key] = byId(config.fields[key]); }
    this.status = byId("location-status");
    this.listbox = byId("commune-options");
    this.options = [];
    this.active = -1;
    this.marker = null;
    L.control.zoom({ zoomInTitle: config.text.zoomIn, zoomOutTitle: config.text.zoomOut }).addTo(map);
    if (config.pin) { this.placeMarker(config.pin); }
    map.on("click", this.onMapClick, this);
    this.bindCombobox();
  }

  Picker.prototype.say = function (text) {
    if (this.status) { this.status.textContent = text; }
  };

  /* The pin */

  Picker.prototype.placeMarker = function (latlng) {
    if (this.marker) { this.marker.setLatLng(latlng); return; }
    this.marker = L.marker(latlng, { draggable: true, keyboard: true, title: this.config.text.pin,
                                     alt: this.config.text.pin }).addTo(this.map);
    this.marker.on("dragend", function () { this.pinMoved(this.marker.getLatLng()); }, this);
    this.marker.getElement().addEventListener("keydown", this.onMarkerKey.bind(this));
  };

  Picker.prototype.pinMoved = function (latlng) {
    this.fields.lon.value = latlng.lng.toFixed(6);
    this.fields.lat.value = latlng.lat.toFixed(6);
    this.say(this.config.text.placed);
  };

  Picker.prototype.onMapClick = function (event) {
    this.placeMarker(event.latlng);
    this.pinMoved(event.latlng);
  };

  Picker.prototype.onMarkerKey = function (event) {
    var moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    var move = moves[event.key];
    if (!move) { return; }
    event.preventDefault();
    var point = this.map.latLngToContainerPoint(this.marker.getLatLng());
    var latlng = this.map.containerPointToLatLng(
      L.point(point.x + move[0] * KEY_STEP_PX, point.y + move[1] * KEY_STEP_PX));
    this.marker.setLatLng(latlng);
    this.pinMoved(latlng);
  };

  /* The commune combobox */

  Picker.prototype.bindCombobox = function () {
    var input = this.fields.commune;
    var timer = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.listbox.id);
    input.addEventListener("input", function () {
      this.forgetCommune();
      clearTimeout(timer);
      timer = setTimeout(this.search.bind(this, input.value.trim()), DELAY_MS);
    }.bind(this));
    input.addEventListener("keydown", this.onInputKey.bind(this));
    input.addEventListener("blur", function () { setTimeout(this.close.bind(this), 150); }.bind(this));
  };

  Picker.prototype.forgetCommune = function () {
    // A commune being retyped is no longer the chosen one, nor is its pin.
    this.fields.insee.value = "";
    this.fields.lon.value = "";
    this.fields.lat.value = "";
  };

  Picker.prototype.search = function (query) {
    if (query.length < MIN_QUERY) { this.close(); return; }
    var url = this.config.communesUrl + "?q=" + encodeURIComponent(query) + "&limit=8";
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { communes: [] }; })
      .then(function (data) {
        if (this.fields.commune.value.trim() === query) { this.show(data.communes || []); }
      }.bind(this))
      .catch(function () { this.close(); }.bind(this));
  };

  Picker.prototype.show = function (communes) {
    this.options = communes;
    this.active = -1;
    this.listbox.textContent = "";
    communes.forEach(function (commune, index) {
      var option = document.createElement("li");
      option.id = "commune-option-" + index;
      option.setAttribute("role", "option");
      option.textContent = label(commune);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        this.choose(index);
      }.bind(this));
      this.listbox.appendChild(option);
    }, this);
    this.listbox.hidden = communes.length === 0;
    this.fields.commune.setAttribute("aria-expanded", communes.length ? "true" : "false");
    if (!communes.length) { this.say(this.config.text.none); }
  };

  Picker.prototype.close = function () {
    this.listbox.hidden = true;
    this.fields.commune.setAttribute("aria-expanded", "false");
    this.fields.commune.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.highlight = function (index) {
    var items = this.listbox.children;
    if (!items.length) { return; }
    this.active = (index + items.length) % items.length;
    for (var i = 0; i < items.length; i++) {
      items[i].setAttribute("aria-selected", i === this.active ? "true" : "false");
    }
    this.fields.commune.setAttribute("aria-activedescendant", items[this.active].id);
  };

  Picker.prototype.onInputKey = function (event) {
    if (this.listbox.hidden) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.highlight(this.active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && this.active >= 0) {
      event.preventDefault();
      this.choose(this.active);
    } else if (event.key === "Escape") {
      this.close();
    }
  };

  Picker.prototype.choose = function (index) {
    var commune = this.options[index];
    this.fields.commune.value = commune.name;
    this.fields.insee.value = commune.insee;
    this.close();
    this.say(this.config.text.chosen.replace("{name}", label(commune)));
    if (commune.lat !== null && commune.lon !== null) {
      var latlng = L.latLng(commune.lat, commune.lon);
      this.placeMarker(latlng);
      this.map.setView(latlng, this.config.communeZoom);
    }
  };

  window.MaillagePicker = {
    attach: function (map, config) { return new Picker(map, config); }
  };
})();
