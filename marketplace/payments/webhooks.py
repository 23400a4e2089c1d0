"""Stripe webhooks: verify, record once, dispatch by type.

Webhooks are the source of truth for payment state. Each event id is recorded
under a unique constraint in the same transaction as its effect, so a replayed
or concurrent duplicate changes nothing. Types without a handler are logged and
answered 200: a 4xx would make Stripe retry them for days. With payments switched
off (no Stripe keys in production) every request is answered 503 and nothing is read.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import transaction
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments import stripe_client
from marketplace.payments.models import StripeEvent

logger = logging.getLogger(__name__)

# Event type -> dotted path of a function taking (*, event: dict). The functions live with
# the business they change (orders, refunds, payouts); they must be safe in any order.
HANDLERS: dict[str, str] = {
    "payment_intent.succeeded": "marketplace.orders.checkout.payment_intent_succeeded",
    "payment_intent.payment_failed": "marketplace.orders.checkout.payment_intent_payment_failed",
    "charge.refunded": "marketplace.orders.refunds.charge_refunded",
    "account.updated": "marketplace.orders.payouts.account_updated",
}


def handler_for(event_type: str) -> Callable | None:
    dotted = HANDLERS.get(event_type)
    return import_string(dotted) if dotted else None


def event_process(*, event: dict) -> str:
    """Apply a verified event once. Returns "handled", "ignored" or "duplicate"."""
    event_object = (event.get("data") or {}).get("object") or {}
    created = event.get("created")
    with transaction.atomic():
        record, is_new = StripeEvent.objects.get_or_create(
            event_id=event["id"],
            defaults={
                "type": event.get("type", ""),
                "object_id": str(event_object.get("id", ""))[:255],
                "created_at_stripe": datetime.fromtimestamp(created, tz=UTC) if isinstance(created, int) else None,
                "payload": event,
            },
        )
        if not is_new:
            return "duplicate"
        handler = handler_for(record.type)
        if handler is None:
            logger.info("Stripe event %s of type %s has no handler; recorded and ignored", record.event_id, record.type)
            return "ignored"
        handler(event=event)
        record.handled = True
        record.save(update_fields=["handled"])
    return "handled"


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    if not stripe_client.payments_enabled():
        # No Stripe keys (production without them): nothing can be verified, so nothing is believed.
        return _error(_("Pembayaran online belum diaktifkan di situs ini."), 503)
    signature = request.headers.get("Stripe-Signature", "")
    if not signature:
        return _error(_("Tanda tangan Stripe-Signature tidak ada."), 400)
    try:
        event = stripe_client.webhook_event_verify(payload=request.body, signature_header=signature)
    except stripe_client.SignatureVerificationError:
        return _error(_("Tanda tangan webhook tidak sah."), 400)
    except ValueError:
        return _error(_("Isi webhook bukan JSON yang sah."), 400)
    if not isinstance(event.get("id"), str) or not event["id"]:
        return _error(_("Event tanpa id."), 400)
    try:
        outcome = event_process(event=event)
    except Exception:
        # Nothing was written (the transaction rolled back); Stripe will deliver it again.
        logger.exception("Stripe event %s could not be processed", event.get("id"))
        return _error(_("Event belum dapat diproses; coba lagi nanti."), 503)
    return JsonResponse({"received": True, "outcome": outcome})
