/* Search page: as-you-type suggestions (an ARIA 1.2 combobox with a listbox) and
   filters that apply on change. The page works without this file. */
(function () {
  "use strict";

  var input = document.getElementById("search-q");
  var list = document.getElementById("search-q-suggestions");
  var status = document.querySelector("[data-suggest-status]");
  var DELAY = 200; // ms after the last keystroke: one request per pause, not per key
  var MIN_CHARS = 2;

  if (input && list && window.fetch) {
    var timer = null;
    var controller = null;
    var active = -1;
    var options = [];
    var lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var announce = function (count) {
      if (!status) return;
      status.textContent = count
        ? input.dataset.countSome.replace("%(count)s", String(count))
        : input.dataset.countNone;
    };

    var close = function () {
      list.hidden = true;
      list.innerHTML = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };

    var highlight = function (index) {
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", String(position === index));
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    };

    var go = function (option) {
      window.location.href = option.dataset.url;
    };

    var render = function (suggestions) {
      list.innerHTML = "";
      options = suggestions.map(function (suggestion, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.url = suggestion.url;
        var text = document.createElement("span");
        text.textContent = suggestion.text;
        var type = document.createElement("span");
        type.className = "search-box__suggestion-type";
        type.textContent = suggestion.type_label || suggestion.type;
        option.append(text, type);
        // mousedown, not click: it comes before the input's blur closes the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          go(option);
        });
        list.appendChild(option);
        return option;
      });
      active = -1;
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", String(options.length > 0));
      announce(options.length);
    };

    var fetchSuggestions = function () {
      var query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < MIN_CHARS) {
        close();
        return;
      }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var url = input.dataset.suggestUrl + "?" + new URLSearchParams({ q: query, lang: input.dataset.lang });
      fetch(url, { signal: controller ? controller.signal : undefined, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) {
          if (input.value.trim() === query) render(body.suggestions || []);
        })
        .catch(function () { /* offline or aborted: the form still submits */ });
    };

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden) { lastQuery = ""; fetchSuggestions(); return; }
        event.preventDefault();
        highlight(active + 1 < options.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        if (list.hidden) return;
        event.preventDefault();
        highlight(active > 0 ? active - 1 : options.length - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          go(options[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else {
          input.value = "";
        }
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  // Filters start closed (phones see results first); wide screens have room to show them.
  var panel = document.querySelector("[data-filters]");
  if (panel && window.matchMedia && window.matchMedia("(min-width: 900px)").matches) panel.open = true;

  // Filters: apply a ticked box at once; the "Terapkan" button stays for prices.
  var facets = document.querySelector("[data-facets]");
  if (facets) {
    facets.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") facets.submit();
    });
  }
})();
