"""Stripe webhook endpoint (shared/contracts/http-api.md)."""

app_name = "payments"
urlpatterns = []
