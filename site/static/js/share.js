/* Gebrak Banjar: share buttons. Copy-link and the phone's share sheet, each with its own tagged
   link, and a count of the click (page, channel, campaign; nothing about the person). Not counted
   when the browser asks not to be tracked. The links work without this file. */
(function () {
  "use strict";
  if (window.gebrakShareReady) return;
  window.gebrakShareReady = true;

  var refused = navigator.doNotTrack === "1" || window.doNotTrack === "1" || navigator.globalPrivacyControl === true;

  function count(section, channel) {
    var beacon = section.getAttribute("data-share-beacon");
    if (refused || !beacon || !navigator.sendBeacon) return;
    var data = new FormData();
    data.append("target", section.getAttribute("data-share-target") || "");
    data.append("channel", channel);
    data.append("campaign", section.getAttribute("data-share-campaign") || "");
    navigator.sendBeacon(beacon, data);
  }

  // The share buttons of pages, products and shops (.share), and a trip plan's WhatsApp link.
  Array.prototype.forEach.call(document.querySelectorAll("[data-share-target]"), function (section) {
    var status = section.querySelector(".share__status");
    Array.prototype.forEach.call(section.querySelectorAll("a[data-share-channel]"), function (link) {
      link.addEventListener("click", function () { count(section, link.getAttribute("data-share-channel")); });
    });
    var copy = section.querySelector("[data-share-action=copy]");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
      var copyButton = copy.querySelector("button");
      copyButton.addEventListener("click", function () {
        navigator.clipboard.writeText(copyButton.getAttribute("data-share-url")).then(function () {
          status.textContent = copyButton.getAttribute("data-copied");
          count(section, "copy");
        });
      });
    }
    var native = section.querySelector("[data-share-action=native]");
    if (native && navigator.share) {
      native.hidden = false;
      var nativeButton = native.querySelector("button");
      nativeButton.addEventListener("click", function () {
        navigator.share({ title: nativeButton.getAttribute("data-share-title") || document.title,
                          url: nativeButton.getAttribute("data-share-url") })
          .then(function () { count(section, "native"); })
          .catch(function () {});
      });
    }
  });
})();
