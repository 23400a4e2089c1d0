"""Stripe webhooks: verify, store once, answer at once; a task dispatches by type.

Webhooks are the source of truth for payment state. The endpoint checks the signature and
the event's shape, records the event under its unique id and answers 200 before anything
else happens; a task (`stripe_event_handle`) then runs the
handler for its type and marks the event processed, retried with backoff if it fails. A
replayed or concurrent duplicate is recorded once and answered "duplicate"; handlers are
idempotent and safe in any order, so a handler run twice (a retry after a crash) changes
nothing. Types without a handler are recorded, logged and answered 200: a 4xx would make
Stripe retry them for days.

A validly signed body that is not shaped like a Stripe event (no `data`, an object
that is a list, a `created` in the year 3 billion, an amount in a string...) is
logged and answered 400 before anything is written: no retry of it can ever succeed,
and 503 is kept for what may (the database away). With payments switched off (no
Stripe keys in production) every request is answered 503 and nothing is read.
"""

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import DatabaseError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.tasks import retried_task
from marketplace.payments import stripe_client
from marketplace.payments.models import StripeEvent

logger = logging.getLogger(__name__)

# Event type -> dotted path of a function taking (*, event: dict). The orders' and refunds' live in
# marketplace/orders/webhooks.py, the Connect account's with payouts; they must be safe in any order.
HANDLERS: dict[str, str] = {
    "payment_intent.succeeded": "marketplace.orders.webhooks.payment_intent_succeeded",
    "payment_intent.payment_failed": "marketplace.orders.webhooks.payment_intent_payment_failed",
    "charge.refunded": "marketplace.orders.webhooks.charge_refunded",
    "account.updated": "marketplace.orders.payouts.account_updated",
}


# Fields of a handled event's object that handlers read, and the JSON type each must have when
# present and not null (bool is not an int here, as in JSON).
OBJECT_FIELD_TYPES: dict[str, type] = {
    "object": str, "status": str, "currency": str, "payment_intent": str,
    "amount": int, "amount_received": int, "amount_refunded": int,
    "paid": bool, "details_submitted": bool,
    "metadata": dict, "last_payment_error": dict, "capabilities": dict,
}
AMOUNT_FIELDS = ("amount", "amount_received", "amount_refunded")
# Stripe's first events are from 2011: one from before 2000, or more than a day ahead, is not Stripe's.
EARLIEST_CREATED = 946_684_800
LATEST_CREATED_AHEAD = 24 * 3600
MAX_DEPTH = 20


class MalformedEvent(ValueError):
    """A validly signed body that is not a Stripe event we can read; the message says what is wrong."""


def _strings_clean(value, depth: int = 0) -> bool:
    """No NUL character anywhere (PostgreSQL's text and jsonb refuse it) and no absurd nesting."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_strings_clean(key, depth + 1) and _strings_clean(item, depth + 1) for key, item in value.items())
    if isinstance(value, list):
        return all(_strings_clean(item, depth + 1) for item in value)
    return True


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _handled_object_check(event_object: dict) -> None:
    """What the handlers read has the types Stripe gives it (the types we ignore are only recorded,
    and may carry fields of other kinds: a balance transaction's amount is negative)."""
    if not event_object.get("id"):
        raise MalformedEvent("data.object has no id")
    for name, kind in OBJECT_FIELD_TYPES.items():
        value = event_object.get(name)
        if value is not None and not (_is_int(value) if kind is int else isinstance(value, kind)):
            raise MalformedEvent(f"data.object.{name} is not a {kind.__name__}")
    for name in AMOUNT_FIELDS:
        if not 0 <= (event_object.get(name) or 0) <= stripe_client.MAX_AMOUNT_MINOR:
            raise MalformedEvent(f"data.object.{name} is out of range")
    if not all(isinstance(value, str) for value in (event_object.get("metadata") or {}).values()):
        raise MalformedEvent("data.object.metadata holds something else than strings")


def event_check(event) -> None:
    """Raise MalformedEvent unless `event` has the shape of a Stripe event that handlers can read."""
    if not isinstance(event, dict):
        raise MalformedEvent("not a JSON object")
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 255:
        raise MalformedEvent("id is not a string of 1 to 255 characters")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= 100:
        raise MalformedEvent("type is not a string of 1 to 100 characters")
    created = event.get("created")
    if not _is_int(created) or not EARLIEST_CREATED <= created <= time.time() + LATEST_CREATED_AHEAD:
        raise MalformedEvent("created is not a Unix time in seconds")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEvent("data.object is not a JSON object")
    event_object = data["object"]
    object_id = event_object.get("id")
    if object_id is not None and (not isinstance(object_id, str) or len(object_id) > 255):
        raise MalformedEvent("data.object.id is not a string of at most 255 characters")
    if event_type in HANDLERS:
        _handled_object_check(event_object)
    if not _strings_clean(event):
        raise MalformedEvent("a NUL character or nesting deeper than 20")


def handler_for(event_type: str) -> Callable | None:
    dotted = HANDLERS.get(event_type)
    return import_string(dotted) if dotted else None


def event_record(*, event: dict) -> tuple[StripeEvent, bool]:
    """Store a verified event once: (the record, whether it is new).

    Raises MalformedEvent (nothing written) for a body that `event_check` refuses."""
    event_check(event)
    event_object = event["data"]["object"]
    with transaction.atomic():
        return StripeEvent.objects.get_or_create(
            event_id=event["id"],
            defaults={
                "type": event["type"],
                "object_id": event_object.get("id") or "",
                "created_at_stripe": datetime.fromtimestamp(event["created"], tz=UTC),
                "payload": event,
            },
        )


def event_handle(*, event_id: str) -> str:
    """Apply a stored event once (the task's work): "handled", "ignored" (no handler for its type),
    "duplicate" (processed already) or "missing". The handler runs in no transaction of ours: each
    keeps its own short transactions, with any call to Stripe outside them."""
    record = StripeEvent.objects.filter(event_id=event_id).first()
    if record is None:
        return "missing"
    if record.processed_at is not None:
        return "duplicate"
    handler = handler_for(record.type)
    if handler is None:
        logger.info("Stripe event %s of type %s has no handler; recorded and ignored", record.event_id, record.type)
    else:
        handler(event=record.payload)
    StripeEvent.objects.filter(pk=record.pk, processed_at__isnull=True).update(
        processed_at=timezone.now(), handled=handler is not None)
    return "ignored" if handler is None else "handled"


# Before emails and sweeps: a buyer waits on the confirmation page for this.
@retried_task(attempts=8, first_delay_seconds=15, priority=10)
def stripe_event_handle(*, event_id: str) -> str:
    """The task that applies a stored event (event_handle); the webhook enqueues it."""
    return event_handle(event_id=event_id)


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
    try:
        record, is_new = event_record(event=event)
    except MalformedEvent as error:
        event_id = event.get("id") if isinstance(event, dict) else None
        logger.warning("Stripe event %.255r refused (400), signed but malformed: %s", event_id, error)
        return JsonResponse({"error": _("Isi webhook tidak berbentuk event Stripe."), "detail": str(error)},
                            status=400)
    except DatabaseError:
        # Nothing was written; Stripe will deliver it again.
        logger.exception("Stripe event %s could not be stored", event.get("id"))
        return _error(_("Event belum dapat diproses; coba lagi nanti."), 503)
    if not is_new:
        return JsonResponse({"received": True, "outcome": "duplicate"})
    # The record is committed (no ATOMIC_REQUESTS): the task finds it. Were this enqueue lost, the
    # periodic sweep (marketplace/payments/tasks.py) would enqueue the event again.
    try:
        result = stripe_event_handle.enqueue(event_id=record.event_id)
    except DatabaseError:
        logger.exception("Stripe event %s stored but not enqueued; the sweep will enqueue it", record.event_id)
        return JsonResponse({"received": True, "outcome": "queued"})
    # A backend that runs tasks at once (the tests') has the outcome already; a worker's is "queued".
    if result.status == "SUCCESSFUL":
        return JsonResponse({"received": True, "outcome": result.return_value})
    return JsonResponse({"received": True, "outcome": "failed" if result.status == "FAILED" else "queued"})
