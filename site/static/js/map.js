/* Gebrak Banjar: maps (Leaflet, from site/static/vendor/leaflet) on OpenStreetMap tiles.
   Progressive: every page already shows the coordinates and links to open them in a map app.
   Without Leaflet nothing happens; when tiles do not load the markers stay and a note says so. */
(function () {
  "use strict";
  if (!window.L) return;
  var L = window.L;
  // The marker's pictures by their collected (hashed) names, from the page (map_scripts.html).
  var script = document.currentScript;
  if (script && script.getAttribute("data-marker-icon")) {
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: script.getAttribute("data-marker-icon"),
      iconRetinaUrl: script.getAttribute("data-marker-icon-2x"),
      shadowUrl: script.getAttribute("data-marker-shadow")
    });
  }

  // On a phone one finger scrolls the page, as everywhere else on it: a map that took the swipe
  // trapped a visitor scrolling the destinations list (two fingers still move and zoom it).
  function addTiles(map, box) {
    var loaded = 0, failed = 0, warned = false;
    function warn() {
      if (warned || loaded) return;
      warned = true;
      var note = document.createElement("p");
      note.className = "map-notice";
      note.setAttribute("role", "status");
      note.textContent = box.getAttribute("data-tiles-failed") || "";
      box.parentNode.insertBefore(note, box.nextSibling);
    }
    var layer = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    });
    layer.on("tileload", function () { loaded += 1; });
    layer.on("tileerror", function () { failed += 1; if (failed >= 2) warn(); });
    window.setTimeout(warn, 8000);
    layer.addTo(map);
  }

  function link(text, href) {
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-map=place]"), function (box) {
    var lat = parseFloat(box.getAttribute("data-lat")), lon = parseFloat(box.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) return;
    box.classList.add("is-active");
    var map = L.map(box, { scrollWheelZoom: false, dragging: !L.Browser.mobile }).setView([lat, lon], 14);
    addTiles(map, box);
    L.marker([lat, lon], { title: box.getAttribute("data-label") || "" }).addTo(map);
  });

  var index = document.querySelector("[data-map=destinations]");
  var source = document.getElementById("destinations-map-data");
  if (index && source) {
    var points = JSON.parse(source.textContent || "[]");
    if (!points.length) return;
    var section = index.closest(".destinations-map");
    if (section) section.classList.add("is-active");
    var map = L.map(index, { scrollWheelZoom: false, dragging: !L.Browser.mobile });
    addTiles(map, index);
    var groups = {};
    var bounds = [];
    points.forEach(function (point) {
      var group = groups[point.category] || (groups[point.category] = { name: point.categoryName, layer: L.layerGroup() });
      var popup = document.createElement("div");
      popup.appendChild(link(point.title, point.url));
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(point.categoryName + " · " + point.district));
      L.marker([point.lat, point.lon], { title: point.title }).bindPopup(popup).addTo(group.layer);
      bounds.push([point.lat, point.lon]);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });

    var filters = document.querySelector("[data-map-filters]");
    var selected = index.getAttribute("data-selected-category") || "";
    Object.keys(groups).forEach(function (key) {
      var on = !selected || selected === key;
      if (on) groups[key].layer.addTo(map);
      if (!filters) return;
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.checked = on;
      box.addEventListener("change", function () {
        if (box.checked) groups[key].layer.addTo(map); else map.removeLayer(groups[key].layer);
      });
      var text = document.createElement("span");
      text.textContent = groups[key].name;
      label.appendChild(box);
      label.appendChild(text);
      filters.appendChild(label);
    });
  }
})();
