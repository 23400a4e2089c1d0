"""The payments' periodic task: webhook events stored but never enqueued are enqueued again.

The task that handles an event, `webhooks.stripe_event_handle`, is declared beside the webhook
that enqueues it (marketplace/orders/tasks.py says why).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from config.tasks import periodic, retried_task, task_result_exists
from marketplace.payments import webhooks
from marketplace.payments.models import StripeEvent

logger = logging.getLogger(__name__)
# An event stored this long ago with no task for it lost its enqueue (the database went away
# between the two): the sweep enqueues it again. Older ones than SWEEP_WITHIN are left to a person.
SWEEP_AFTER = timedelta(minutes=10)
SWEEP_WITHIN = timedelta(days=7)


@periodic(every=timedelta(minutes=5))
@retried_task(attempts=2)
def stripe_events_sweep() -> int:
    """Enqueue again the stored events that were never enqueued; returns how many."""
    now = timezone.now()
    waiting = StripeEvent.objects.filter(processed_at__isnull=True, received_at__lt=now - SWEEP_AFTER,
                                         received_at__gte=now - SWEEP_WITHIN).values_list("event_id", flat=True)
    count = 0
    for event_id in waiting:
        if not task_result_exists(webhooks.stripe_event_handle, event_id=event_id):
            logger.warning("Stripe event %s was stored but never handled: enqueued again", event_id)
            webhooks.stripe_event_handle.enqueue(event_id=event_id)
            count += 1
    return count
