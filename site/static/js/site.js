/* Gebrak Banjar: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  // The menu link (which opens the menu through :target without JS) becomes a real
  // disclosure button, so screen readers hear "Menu, button, collapsed".
  var link = document.querySelector("[data-menu-toggle]");
  var menu = document.getElementById("site-menu");
  if (link && menu) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.innerHTML = link.innerHTML;
    button.setAttribute("aria-controls", "site-menu");
    button.setAttribute("aria-expanded", "false");
    link.replaceWith(button);
    document.documentElement.classList.add("has-menu-button");
    var setOpen = function (open) {
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    };
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // Share: copy the link, or hand it to the phone's own share sheet.
  var share = document.querySelector(".share");
  if (share) {
    var status = share.querySelector(".share__status");
    var copy = share.querySelector("[data-share-copy]");
    var native = share.querySelector("[data-share-native]");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      var copyButton = copy.querySelector("button");
      copyButton.addEventListener("click", function () {
        navigator.clipboard.writeText(location.href).then(function () {
          status.textContent = copyButton.getAttribute("data-copied");
        });
      });
    }
    if (native && navigator.share) {
      native.hidden = false;
      native.querySelector("button").addEventListener("click", function () {
        navigator.share({ title: document.title, url: location.href }).catch(function () {});
      });
    }
  }
})();
