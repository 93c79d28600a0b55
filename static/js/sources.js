/* "Add another source": copies the last empty row of the sources fieldset with the next
   index (sources-N-field). Without JavaScript the form offers three empty rows. */
(function () {
  "use strict";
  function renumber(row, index) {
    row.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (node) {
      ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
        var value = node.getAttribute(attribute);
        if (value) { node.setAttribute(attribute, value.replace(/sources-\d+-/g, "sources-" + index + "-")); }
      });
    });
    var legend = row.querySelector("legend");
    if (legend) { legend.textContent = legend.textContent.replace(/\d+/, String(index + 1)); }
  }
  function clear(row) {
    row.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; });
    row.querySelectorAll(".error").forEach(function (node) { node.remove(); });
    row.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
    row.querySelectorAll(".field-with-error").forEach(function (node) { node.classList.remove("field-with-error"); });
  }
  document.querySelectorAll("[data-add-source]").forEach(function (button) {
    var fieldset = button.closest("fieldset");
    var max = parseInt(button.getAttribute("data-max"), 10);
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = fieldset.querySelectorAll("[data-source-row]");
      if (rows.length >= max) { button.hidden = true; return; }
      var copy = rows[rows.length - 1].cloneNode(true);
      renumber(copy, rows.length);
      clear(copy);
      rows[rows.length - 1].after(copy);
      copy.querySelector("input").focus();
      if (rows.length + 1 >= max) { button.hidden = true; }
    });
  });
}());
