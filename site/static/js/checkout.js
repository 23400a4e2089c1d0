/* Two small enhancements of the orders pages, each doing nothing where its page is not:
 * 1. Checkout (site/templates/orders/checkout.html): each shop's delivery options follow the address.
 * 2. Card payment on the pay page (site/templates/orders/pay.html).
 */

/* 1. As the buyer changes the country, province or city, ask GET /api/shipping/options for the cart
 * (debounced; on load too when the address is filled and nothing is priced yet) and write each shop's
 * options as the page does: pickup first, couriers cheapest first, cost and days, in the page's
 * language; the buyer's choice kept when still offered, else the cheapest courier; a shop that cannot
 * deliver there with the API's reason. The summary's shipping and total follow the choice: display
 * only, the server prices everything again when the form is sent. Without JavaScript, or when the
 * call fails or takes longer than 8 s, "Hitung ongkir" does the same on the server.
 */
(function () {
  "use strict";
  var configBlock = document.getElementById("ko-delivery-config");
  var form = document.getElementById("ko-checkout-form");
  if (!configBlock || !form || !window.fetch || !window.URLSearchParams) { return; }
  var config = JSON.parse(configBlock.textContent);
  var text = config.messages;
  var country = form.elements.country;
  var province = form.elements.province;
  var city = form.elements.regency;
  var status = document.getElementById("ko-delivery-status");
  var hint = document.getElementById("ko-delivery-hint");
  var totals = document.getElementById("ko-summary-totals");
  var TIMEOUT_MS = 8000;
  var DEBOUNCE_MS = 500;
  var timer = null;
  var pending = null;
  var asked = 0;

  function rupiah(amount) { return "Rp " + String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  function shopSets() { return Array.prototype.slice.call(form.querySelectorAll("fieldset[data-shop]")); }

  function optionText(option) {
    var words = option.label + ": " + (option.cost_idr ? rupiah(option.cost_idr) : text.free);
    if (option.kind === "pickup") {
      return words + (option.address ? " · " + option.address : "") + (option.hours ? " (" + option.hours + ")" : "");
    }
    var days = option.days_min === option.days_max
      ? (option.days_max === 1 ? text.day : text.daysSame).replace("%(days)s", option.days_max)
      : text.days.replace("%(low)s", option.days_min).replace("%(high)s", option.days_max);
    return words + " · " + days;
  }

  function line(label, amount, className) {
    var paragraph = element("p", className, label + " ");
    paragraph.appendChild(element("span", "ko-amount", rupiah(amount)));
    return paragraph;
  }

  // The summary as the server writes it: goods, shipping and total once every shop has a choice.
  function showTotals() {
    var shipping = 0;
    var complete = true;
    shopSets().forEach(function (set) {
      var chosen = set.querySelector("input[type=radio]:checked");
      if (chosen && !set.querySelector("[data-unavailable]")) {
        shipping += parseInt(chosen.getAttribute("data-cost"), 10) || 0;
      } else {
        complete = false;
      }
    });
    while (totals.firstChild) { totals.removeChild(totals.firstChild); }
    if (complete) {
      totals.appendChild(line(text.goods, config.goodsIdr, "ko-lines"));
      totals.appendChild(line(text.shipping, shipping, "ko-lines"));
      totals.appendChild(line(text.total, config.goodsIdr + shipping, "ko-total"));
    } else {
      totals.appendChild(line(text.goodsTotal, config.goodsIdr, "ko-total"));
      totals.appendChild(element("p", "ko-muted", text.fromAddress));
    }
  }

  function fillShop(set, options, reason) {
    var field = set.getAttribute("data-field");
    var checked = set.querySelector("input[type=radio]:checked");
    // Before any option is drawn, the one the buyer chose on an earlier visit (back from the pay page).
    var wanted = checked ? checked.value : (set.getAttribute("data-wanted") || "");
    var chosen = null;
    options.forEach(function (option) { if (option.id === wanted) { chosen = option; } });
    if (!chosen) {
      options.forEach(function (option) { if (!chosen && option.kind === "courier") { chosen = option; } });
    }
    if (!chosen && options.length) { chosen = options[0]; }
    Array.prototype.slice.call(set.children).forEach(function (child) {
      if (child.tagName !== "LEGEND") { set.removeChild(child); }
    });
    set.classList.remove("ko-field--error");
    options.forEach(function (option) {
      var choice = element("div", "ko-choice");
      var input = element("input");
      input.type = "radio";
      input.name = field;
      input.id = field + "-" + option.id;
      input.value = option.id;
      input.setAttribute("data-cost", option.cost_idr);
      input.checked = option === chosen;
      var label = element("label", "", optionText(option));
      label.htmlFor = input.id;
      choice.appendChild(input);
      choice.appendChild(label);
      set.appendChild(choice);
    });
    if (reason) {
      var refusal = element("p", "ko-errors", reason);
      refusal.setAttribute("data-unavailable", "");
      refusal.setAttribute("role", "alert");  // announced as the server's page announces it
      set.appendChild(refusal);
    }
  }

  function fill(answer) {
    var offered = {};
    var refused = {};
    (answer.shops || []).forEach(function (entry) { offered[entry.shop] = entry.options; });
    (answer.unavailable || []).forEach(function (entry) { refused[entry.shop] = entry.reason; });
    shopSets().forEach(function (set) {
      var slug = set.getAttribute("data-shop");
      fillShop(set, offered[slug] || [], refused[slug] || "");
    });
    if (hint) { hint.hidden = true; }
    showTotals();
    addressFit();
    status.textContent = text.updated;
  }

  function addressReady() {
    return Boolean(country && country.value && (country.value !== "ID" || (province && province.value)));
  }

  function ask() {
    if (!addressReady()) { return; }
    var mine = ++asked;
    if (pending) { pending.abort(); }
    var controller = window.AbortController ? new AbortController() : null;
    pending = controller;
    var query = new URLSearchParams({ items: config.items, country: country.value, lang: config.lang });
    if (country.value === "ID") { query.set("province", province.value); }
    if (city && city.value.trim()) { query.set("city", city.value.trim()); }
    var late = window.setTimeout(function () { if (controller) { controller.abort(); } failed(mine); }, TIMEOUT_MS);
    status.textContent = text.working;
    fetch(config.url + "?" + query.toString(), {
      credentials: "same-origin", headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      window.clearTimeout(late);
      if (mine !== asked) { return; }  // the address changed since: a newer answer is coming
      if (!result.ok) { failed(mine); return; }
      fill(result.body);
    }).catch(function () {
      window.clearTimeout(late);
      failed(mine);
    });
  }

  // The options stay as they were; "Hitung ongkir" asks the server instead.
  function failed(mine) {
    if (mine !== asked) { return; }
    asked += 1;  // an answer arriving after the timeout changes nothing the buyer was told
    status.textContent = text.failed;
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, DEBOUNCE_MS);
  }

  // The address fits the country: abroad there is no province nor kecamatan to give and the postal
  // code is the country's own (the server asks for none of them then), so the two are hidden and
  // nothing of the three is required by the browser; back to Indonesia, all three are asked again.
  // The state or region is for addresses abroad only (the server says where it is needed).
  // And it fits the delivery: a buyer collecting everything at the workshops gives no home address
  // (the server neither asks for it nor keeps it then), only the province, which prices the couriers.
  var indonesianOnly = [province, form.elements.district];
  var postalCode = form.elements.postal_code;
  var region = form.elements.region;
  var homeAddress = [city, form.elements.district, postalCode, form.elements.street];
  var collectingNote = document.getElementById("ko-collecting-only");
  function collectingOnly() {
    var shops = shopSets();
    return shops.length > 0 && shops.every(function (shop) {
      var chosen = shop.querySelector("input[type=radio]:checked");
      return Boolean(chosen) && chosen.value === "pickup";
    });
  }
  function addressFit() {
    var abroad = Boolean(country && country.value && country.value !== "ID");
    var collecting = !abroad && collectingOnly();
    indonesianOnly.forEach(function (field) {
      if (!field) { return; }
      var wrapper = field.closest(".ko-field");
      if (wrapper) { wrapper.hidden = abroad; }
      field.required = !abroad;
    });
    if (postalCode) { postalCode.required = !abroad; }
    homeAddress.forEach(function (field) {
      if (!field) { return; }
      var wrapper = field.closest(".ko-field");
      if (wrapper && !(abroad && indonesianOnly.indexOf(field) >= 0)) { wrapper.hidden = collecting; }
      if (collecting) {
        field.required = false;
      } else if (field === city || field === form.elements.street) {
        field.required = true;  // kecamatan and postal code follow the country, above
      }
    });
    if (collectingNote) { collectingNote.hidden = !collecting; }
    var regionWrapper = region && region.closest(".ko-field");
    if (regionWrapper) {
      regionWrapper.hidden = !abroad;
      // "(boleh dikosongkan)" only where the country's addresses do without a state.
      var optional = regionWrapper.querySelector("label small");
      var requiredIn = (region.getAttribute("data-required-in") || "").split(" ");
      if (optional) { optional.hidden = requiredIn.indexOf(country.value) >= 0; }
    }
  }
  if (country) { country.addEventListener("change", addressFit); addressFit(); }

  [country, province].forEach(function (field) { if (field) { field.addEventListener("change", later); } });
  if (city) { city.addEventListener("input", later); }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.type === "radio" && event.target.name.indexOf("shipping-") === 0) {
      showTotals();
      addressFit();
    }
  });
  // Filled in already (the buyer's last address, or the cart's estimate) but nothing priced yet.
  if (!form.querySelector("fieldset[data-shop] input[type=radio]")) { ask(); }
})();

/* 2. Card payment on the order's PaymentIntent (site/templates/orders/pay.html).
 *
 * With Stripe: Stripe.js mounts its card element and confirms the card itself
 * (stripe.confirmCardPayment), so card numbers never reach this site.
 * With the local emulator (localstripe): its stand-in Stripe.js can only make a
 * card token and complete 3-D Secure, so the token goes to the site, which
 * attaches it to the PaymentIntent and confirms (checkout.emulator_card_pay).
 * Either way, before each attempt the site re-checks stock and hands out the
 * PaymentIntent's client secret (one PaymentIntent per order, however many clicks);
 * the order is marked paid by Stripe's webhook, and the confirmation page waits for it.
 * No inline script: the configuration comes from a JSON block (CSP without unsafe-inline).
 */
(function () {
  "use strict";
  var configBlock = document.getElementById("ko-payments");
  var form = document.getElementById("ko-pay-form");
  if (!configBlock || !form) { return; }
  var config = JSON.parse(configBlock.textContent);
  var errorBox = document.getElementById("ko-pay-error");
  var statusBox = document.getElementById("ko-pay-status");
  var button = document.getElementById("ko-pay-button");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");

  if (typeof window.Stripe !== "function") {
    document.getElementById("ko-pay-unavailable").hidden = false;
    return;
  }
  var stripe = window.Stripe(config.publishableKey, { locale: config.locale });
  var card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#ko-card-element");
  form.hidden = false;
  if (config.mode === "emulator") {
    // The test card typed as printed on the page ("4242 4242 4242 4242"): the emulator's stand-in
    // sends the number as typed, and localstripe takes 16 digits only (Stripe's own field accepts
    // spaces). Runs before the stand-in's own input handler (capture), which counts the digits.
    document.getElementById("ko-card-element").addEventListener("input", function (event) {
      var field = event.target;
      if (field && field.getAttribute("placeholder") === "number") {
        var digits = field.value.replace(/[^0-9]/g, "");
        if (digits !== field.value) { field.value = digits; }
      }
    }, true);
  }

  function Failure(message) { this.message = message; }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function busy(on) {
    button.disabled = on;
    statusBox.textContent = on ? config.messages.working : "";
    if (on) { errorBox.hidden = true; }
  }

  function finished() { window.location.assign(config.confirmationUrl); }

  function stripeErrorMessage(error) {
    if (!error) { return config.messages.failed; }
    if (error.type === "validation_error" && error.message) { return error.message; }
    return config.declines[error.code] || config.declines[error.decline_code] || config.messages.failed;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        data.httpStatus = response.status;
        return data;
      });
    }, function () { throw new Failure(config.messages.network); });
  }

  function afterIntent(result) {
    // Paid already (the buyer came back to this page before the order showed it, and paid again):
    // Stripe refuses to confirm it twice and says in what state it is.
    var already = result.error && result.error.payment_intent && result.error.payment_intent.status;
    if (already === "succeeded" || already === "processing") { return finished(); }
    if (result.error) { throw new Failure(stripeErrorMessage(result.error)); }
    var status = result.paymentIntent && result.paymentIntent.status;
    if (status === "succeeded" || status === "processing") { return finished(); }
    throw new Failure(config.messages.failed);
  }

  function payWithStripe() {
    return post(config.prepareUrl).then(function (prepared) {
      if (prepared.error === "already_paid") { return finished(); }
      if (!prepared.client_secret) { throw new Failure(prepared.message || config.messages.failed); }
      return stripe.confirmCardPayment(prepared.client_secret, {
        payment_method: { card: card, billing_details: { name: config.name, email: config.email } }
      }).then(afterIntent);
    });
  }

  function payWithEmulator() {
    var token;
    try { token = stripe.createToken(card); } catch (error) { throw new Failure(config.messages.incomplete); }
    return token.then(function (result) {
      if (!result || result.error || !result.token) { throw new Failure(config.messages.incomplete); }
      return post(config.emulatorUrl, { token: result.token.id });
    }).then(function (answer) {
      if (answer.error === "already_paid") { return finished(); }
      if (answer.status === "succeeded" || answer.status === "processing") { return finished(); }
      if (answer.status === "requires_action") {
        return stripe.confirmCardPayment(answer.client_secret).then(afterIntent);
      }
      throw new Failure(answer.message || config.messages.failed);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    busy(true);
    var attempt;
    try {
      attempt = config.mode === "emulator" ? payWithEmulator() : payWithStripe();
    } catch (error) {
      attempt = Promise.reject(error);
    }
    attempt.catch(function (error) {
      busy(false);
      showError(error instanceof Failure ? error.message : config.messages.failed);
    });
  });
})();
