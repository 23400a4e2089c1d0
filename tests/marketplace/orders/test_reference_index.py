"""Issue 12: during a campaign the worker shares the core with the buyers. An order (or a
settlement) is a record of a sale, not content: saving one queues no Wagtail reference-index task
(before: four per order, ~20 ms each on the worker), while a product, content the admin shows the
usage of, still has its references kept."""

from __future__ import annotations

import pytest
from django.urls import get_resolver
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from marketplace.orders import fulfilment, payouts
from tests.marketplace.orders import factories as f
from tests.task_worker import use_database_backend

pytestmark = pytest.mark.django_db
REFERENCE_INDEX_TASK = "wagtail.tasks.update_reference_index_task"


def reference_index_work() -> list[tuple[str, str]]:
    return [tuple(args_kwargs["args"][:2]) for args_kwargs in
            DBTaskResult.objects.filter(task_path=REFERENCE_INDEX_TASK).values_list("args_kwargs", flat=True)]


def test_a_sale_and_its_settlement_queue_no_reference_index_work(settings, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    assert get_resolver().url_patterns  # as in a running site: the admin's viewsets register their models
    use_database_backend(settings, monkeypatch)
    shop = f.shop(name="Sasirangan Ibu Aminah")
    kain = f.product(shop=shop, price_idr=175_000, stock=10)
    assert ("marketplace", "product") in reference_index_work()  # content: its references are kept

    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        order = f.paid_order((kain, 2))
        fulfilment.suborder_mark_shipped(sub_order=order.sub_orders.get(), courier="JNE", tracking_number="JNE001")
        payouts.payout_account_update_bank(shop=shop, bank_name="Bank Kalsel", account_number="00123456789",
                                           account_holder="Aminah binti Usman")
        today = timezone.localdate()
        [settlement] = payouts.settlements_create(period_start=today.replace(day=1), period_end=today)
    assert settlement.amount_idr > 0
    assert not [work for work in reference_index_work() if work[0] == "orders"]
