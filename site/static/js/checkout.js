/* Card payment on the order's PaymentIntent (site/templates/orders/pay.html).
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
