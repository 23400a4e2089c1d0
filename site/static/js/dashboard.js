// Shop dashboard: small helps on the product form. Everything works without this file;
// it only adds "move left/right" buttons to the photos (which rewrite the order numbers the
// form already has) and says how many photos were chosen before the form is sent.
(function () {
  "use strict";
  var list = document.querySelector("[data-photo-list]");
  if (list) {
    var renumber = function () {
      list.querySelectorAll("[data-photo]").forEach(function (item, index) {
        var input = item.querySelector("[data-photo-order]");
        if (input) { input.value = index + 1; }
      });
    };
    list.querySelectorAll("[data-photo]").forEach(function (item) {
      var row = document.createElement("div");
      row.className = "db-photo__move";
      [["‹", "Geser ke kiri", -1], ["›", "Geser ke kanan", 1]].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = spec[0];
        button.setAttribute("aria-label", spec[1]);
        button.addEventListener("click", function () {
          if (spec[2] < 0 && item.previousElementSibling) {
            list.insertBefore(item, item.previousElementSibling);
          } else if (spec[2] > 0 && item.nextElementSibling) {
            list.insertBefore(item.nextElementSibling, item);
          }
          renumber();
          button.focus();
        });
        row.appendChild(button);
      });
      item.appendChild(row);
    });
  }

  var input = document.querySelector("input[name='new_photos']");
  if (input) {
    var note = document.createElement("p");
    note.className = "db-help";
    note.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", note);
    input.addEventListener("change", function () {
      var count = input.files ? input.files.length : 0;
      note.textContent = count ? count + " foto dipilih; tersimpan setelah Anda menekan Simpan." : "";
    });
  }
})();
