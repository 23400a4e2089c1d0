"""Stripe webhook endpoint (shared/contracts/http-api.md)."""

from django.urls import path

from marketplace.payments import webhooks

app_name = "payments"
urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
]
