/* Gebrak Banjar: "Simpan ke rencana" buttons. Without this file each button submits the page's one
   save form (trips/includes/save_form.html) and the plan page opens. With it, the button toggles in
   place: pages are the same for every visitor (and cached), so which stops this visitor saved comes
   from the plan's status (one small private request), never from the page. */
(function () {
  "use strict";
  // The plan page offline: its service worker keeps the plan pages and their pictures (service_worker.js).
  var offline = document.querySelector("[data-trip-offline]");
  if (offline && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(offline.getAttribute("data-trip-offline"),
                                     {scope: offline.getAttribute("data-trip-scope")}).catch(function () {});
  }
  var form = document.getElementById("trip-save-form");
  Array.prototype.forEach.call(document.querySelectorAll("[data-trip-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  if (!form || !window.fetch || !window.FormData) return;
  var buttons = document.querySelectorAll("[data-trip-save]");
  if (!buttons.length) return;
  var csrf = "";
  var live = document.createElement("p");
  live.className = "trip-toast";
  live.setAttribute("role", "status");
  live.hidden = true;
  document.body.appendChild(live);

  function mark(key, saved) {
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.value !== key) return;
      button.classList.toggle("is-saved", saved);
      button.setAttribute("aria-pressed", saved ? "true" : "false");
      var label = button.querySelector(".trip-save__label");
      if (label) label.textContent = form.getAttribute(saved ? "data-saved-text" : "data-save-text");
    });
  }

  function say(text, withLink) {
    live.textContent = text + " ";
    if (withLink) {
      var link = document.createElement("a");
      link.href = form.getAttribute("data-trip-plan");
      link.textContent = form.getAttribute("data-plan-link");
      live.appendChild(link);
    }
    live.hidden = false;
    window.clearTimeout(say.timer);
    say.timer = window.setTimeout(function () { live.hidden = true; }, 6000);
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      // A tap before the status came waits for it (a slow network), then saves in place.
      ready.then(function () { toggle(button); });
    });
  });

  // A visitor without a CSRF cookie gets a token at their first tap, not with every page's status:
  // a cookie made by every page load raced the one a page with a form makes (trips/views.py, status).
  // One request for it however many taps come before it answers: two would make two cookies.
  var asking = null;
  function token() {
    if (csrf) return Promise.resolve(csrf);
    if (asking) return asking;
    var url = form.getAttribute("data-trip-status");
    asking = fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "csrf=1",
                   {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (status) { csrf = status.csrf || ""; return csrf; })
      .catch(function () { return ""; })
      .then(function (found) { asking = null; return found; });
    return asking;
  }

  function toggle(button) {
    token().then(function (found) {
      if (!found) { form.requestSubmit(button); return; }  // no token: the page without JavaScript
      send(button);
    });
  }

  function send(button) {
    var saved = button.getAttribute("aria-pressed") === "true";
    var data = new FormData(form);
    data.set("stop", button.value);
    data.set("action", saved ? "remove" : "save");
    data.set("csrfmiddlewaretoken", csrf);
    button.disabled = true;
    fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin",
                        headers: {"Accept": "application/json", "X-CSRFToken": csrf}})
      .then(function (response) {
        return response.json().then(function (body) { return {ok: response.ok, body: body}; });
      })
      .then(function (result) {
        if (!result.ok) { say(result.body.error || "", false); return; }
        mark(button.value, result.body.saved);
        say(result.body.message, result.body.saved);
      })
      .catch(function () { form.requestSubmit(button); })
      .then(function () { button.disabled = false; });
  }

  var ready = fetch(form.getAttribute("data-trip-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) { return response.ok ? response.json() : {saved: []}; })
    .then(function (status) {
      csrf = status.csrf || "";
      (status.saved || []).forEach(function (key) { mark(key, true); });
    })
    .catch(function () {});
})();
