// Suggest known actors as the actor's name is typed (from /api/v1/actors), and name the one
// chosen exactly in the hidden actor_choice. Without this script the typed name finds the
// actor of that name on the server.
(function () {
  "use strict";
  var input = document.querySelector("[data-actor-input]");
  var hidden = document.querySelector("[data-actor-id]");
  var list = document.getElementById("actor-options");
  if (!input || !hidden || !list) { return; }
  var known = {};
  var timer = null;

  function choose() {
    hidden.value = Object.prototype.hasOwnProperty.call(known, input.value) ? known[input.value] : "";
  }

  function fill(actors) {
    known = {};
    list.textContent = "";
    actors.forEach(function (actor) {
      known[actor.name] = String(actor.id);
      var option = document.createElement("option");
      option.value = actor.name;
      list.appendChild(option);
    });
    choose();
  }

  function suggest() {
    var q = input.value.trim();
    if (q.length < 2) { fill([]); return; }
    fetch(list.dataset.url + "?limit=10&q=" + encodeURIComponent(q))
      .then(function (response) { return response.ok ? response.json() : { actors: [] }; })
      .then(function (body) { fill(body.actors || []); })
      .catch(function () { fill([]); });
  }

  input.addEventListener("input", function () {
    choose();
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
})();
