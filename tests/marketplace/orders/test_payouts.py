"""What artisans are owed, and settling it: the earnings page and its CSV, the finance office's
settlement report per period (the default), and Stripe Connect (Express onboarding, transfers),
whose request shapes are checked against stripe-mock."""

import csv
import io
import os
from datetime import timedelta

import pytest
import requests
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from marketplace.orders import fulfilment, payouts, refunds
from marketplace.orders.models import (
    PayoutAccount,
    PayoutLine,
    Settlement,
    SettlementMethod,
    SettlementStatus,
)
from tests.conftest import require_service
from tests.marketplace.factories import UserFactory
from tests.marketplace.orders import factories as f
from tourism.roles import EDITORS

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def sales():
    """Two shops; Aminah's order is shipped, Tambak's still on the shelf. Each parcel (2 × 350 g, 350 g)
    goes to Surabaya for the seeded table's cheapest first kilogram to Jawa, Rp 36.000, all the artisan's:
    Aminah is owed 350 000 − 17 500 fee + 36 000 = 368 500."""
    aminah, tambak = f.shop(name="Sasirangan Ibu Aminah"), f.shop(name="Kelompok Tambak Baru")
    kain = f.product(shop=aminah, price_idr=175_000, stock=10)
    selendang = f.product(shop=tambak, price_idr=120_000, stock=10)
    shipped = f.paid_order((kain, 2)).sub_orders.get()
    fulfilment.suborder_mark_shipped(sub_order=shipped, courier="JNE", tracking_number="JNE001")
    waiting = f.paid_order((selendang, 1)).sub_orders.get()
    return {"aminah": aminah, "tambak": tambak, "kain": kain, "shipped": shipped, "waiting": waiting}


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_earnings_page_and_csv(client, sales):
    client.force_login(sales["aminah"].owner)
    page = BeautifulSoup(client.get("/toko/pendapatan/").content, "html.parser")
    assert [li.get_text(" ", strip=True) for li in page.select(".db-stats li")] == [
        "Rp 368.500 hak Anda", "Rp 0 sudah dibayarkan", "Rp 368.500 belum dibayarkan"]
    response = client.get("/toko/pendapatan/unduh.csv")
    assert response["Content-Type"].startswith("text/csv")
    [row] = rows(response.content.decode())
    assert row["pesanan"] == sales["shipped"].order.number
    assert (row["penjualan_rp"], row["biaya_platform_rp"], row["hak_perajin_rp"], row["belum_dibayar_rp"]) == (
        "386000", "17500", "368500", "368500")


def test_bank_details_are_kept_and_checked(client, sales):
    client.force_login(sales["aminah"].owner)
    bad = client.post("/toko/pendapatan/rekening/", {"bank_name": "BRI", "account_number": "12ab",
                                                     "account_holder": "Aminah"})
    assert bad.status_code == 400 and not PayoutAccount.objects.filter(bank_name="BRI").exists()
    client.post("/toko/pendapatan/rekening/", {"bank_name": "Bank Kalsel", "account_number": "0012-3456 789",
                                               "account_holder": "Aminah binti Usman"})
    account = PayoutAccount.objects.get(shop=sales["aminah"])
    assert (account.bank_name, account.account_number) == ("Bank Kalsel", "00123456789")


def test_a_pasted_account_number_with_spaces_around_it_is_taken_and_a_long_one_is_told_its_length(client, sales):
    client.force_login(sales["aminah"].owner)
    pasted = client.post("/toko/pendapatan/rekening/", {"bank_name": "BRI", "account_number": " 0123 0100 0123 501 ",
                                                        "account_holder": "Aminah"})
    assert pasted.status_code == 302
    assert PayoutAccount.objects.get(shop=sales["aminah"]).account_number == "012301000123501"
    long = client.post("/toko/pendapatan/rekening/", {"bank_name": "BNI", "account_number": "1" * 60,
                                                      "account_holder": "Aminah"})
    assert long.status_code == 400
    assert "Nomor rekening terdiri dari 6 sampai 30 angka; yang ditulis 60." in long.content.decode()
    assert PayoutAccount.objects.get(shop=sales["aminah"]).bank_name == "BRI"


def test_an_account_number_pasted_from_a_chat_is_taken(client, sales):
    """Copied from WhatsApp or a bank's app, a number comes wrapped in invisible direction marks: it
    looked right and was refused with "Nomor rekening hanya berisi angka"."""
    client.force_login(sales["aminah"].owner)
    pasted = client.post("/toko/pendapatan/rekening/", {"bank_name": "BRI", "account_holder": "Aminah",
                                                        "account_number": "\u202a0123-0100\u200b0123 501\u202c"})
    assert pasted.status_code == 302, pasted.content.decode()[-2000:]
    assert PayoutAccount.objects.get(shop=sales["aminah"]).account_number == "012301000123501"


def test_settling_a_period_pays_only_shipped_goods_once(sales):
    payouts.payout_account_update_bank(shop=sales["aminah"], bank_name="Bank Kalsel", account_number="00123456789",
                                       account_holder="Aminah binti Usman")
    preview = payouts.settlement_preview(period_end=TODAY)
    assert [(p.shop.name, p.amount_idr, p.method) for p in preview] == [
        ("Sasirangan Ibu Aminah", 368_500, SettlementMethod.BANK)]
    [settlement] = payouts.settlements_create(period_start=TODAY.replace(day=1), period_end=TODAY)
    assert (settlement.amount_idr, settlement.status) == (368_500, SettlementStatus.TO_PAY)
    assert payouts.settlements_create(period_start=TODAY.replace(day=1), period_end=TODAY) == []
    report = rows(payouts.settlement_report_csv(period_start=TODAY.replace(day=1), period_end=TODAY))
    assert [(r["toko"], r["nomor_rekening"], r["nama_pemilik_rekening"], r["jumlah_rp"]) for r in report] == [
        ("Sasirangan Ibu Aminah", "00123456789", "Aminah binti Usman", "368500")]
    [earned] = payouts.earnings_for_shop(shop=sales["aminah"])
    assert earned.is_settled and earned.settled_idr == 368_500


def test_a_period_ending_before_the_sale_settles_nothing(sales):
    assert payouts.settlement_preview(period_end=TODAY - timedelta(days=1)) == []


def test_a_refund_after_settling_is_carried_to_the_next_sale(sales):
    payouts.settlements_create(period_start=TODAY, period_end=TODAY)
    order = sales["shipped"].order
    refund = refunds.refund_request(order=order, amount_idr=100_000, reason="Retur sebagian")
    refunds.refund_mark_succeeded(refund=refund, stripe_refund_id=None)
    # Owed back: 100 000 minus the fee returned on it (5 000).
    assert payouts.settlement_preview(period_end=TODAY) == []
    assert sum(PayoutLine.objects.filter(shop=sales["aminah"], settlement__isnull=True)
               .values_list("amount_idr", flat=True)) == -95_000
    next_sale = f.paid_order((sales["kain"], 1)).sub_orders.get()
    fulfilment.suborder_mark_shipped(sub_order=next_sale, courier="JNE", tracking_number="JNE002")
    [preview] = payouts.settlement_preview(period_end=TODAY)
    assert preview.amount_idr == 166_250 + 36_000 - 95_000


def test_editors_settle_in_the_admin_and_download_the_report(client, sales):
    editor = UserFactory(username="editor-keuangan")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    start, end = TODAY.replace(day=1), TODAY
    preview = client.get(f"/admin/settlements/settle/?period_start={start}&period_end={end}")
    assert preview.status_code == 200 and "Rp 368.500" in preview.content.decode()
    bad = client.post("/admin/settlements/settle/", {"period_start": str(end), "period_end": str(start - timedelta(days=1))})
    assert bad.status_code == 400 and not Settlement.objects.exists()
    done = client.post("/admin/settlements/settle/", {"period_start": str(start), "period_end": str(end)})
    assert done.status_code == 302 and Settlement.objects.count() == 1
    report = client.get(f"/admin/settlements/report.csv?period_start={start}&period_end={end}")
    assert report.status_code == 200 and rows(report.content.decode())[0]["jumlah_rp"] == "368500"
    assert client.get("/admin/settlements/report.csv?period_start=kemarin").status_code == 400
    assert client.get("/admin/settlements/").status_code == 200


@pytest.mark.parametrize("end", [TODAY + timedelta(days=1), "9999-12-31"])
def test_a_period_ending_after_today_is_refused_beside_the_field(client, sales, end):
    """A settlement covers days lived: the last day of year 9999 (no day after it) was a 500 in the
    preview, the settle form and the command."""
    editor = UserFactory(username="editor-keuangan")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    preview = client.get(f"/admin/settlements/settle/?period_start={TODAY}&period_end={end}")
    assert preview.status_code == 400
    assert "Akhir periode paling lambat hari ini" in preview.content.decode()
    assert "Rp 368.500" not in preview.content.decode()
    assert "Tidak ada yang perlu dibayarkan" not in preview.content.decode()
    refused = client.post("/admin/settlements/settle/", {"period_start": str(TODAY), "period_end": str(end)})
    assert refused.status_code == 400 and "Akhir periode paling lambat hari ini" in refused.content.decode()
    with pytest.raises(CommandError, match="--end must not be after"):
        call_command("payouts_settle", "--start", str(TODAY), "--end", str(end))
    assert not Settlement.objects.exists()
    assert client.post("/admin/settlements/settle/", {"period_start": str(TODAY), "period_end": str(TODAY)}
                       ).status_code == 302 and Settlement.objects.count() == 1


def test_the_proposed_period_shows_in_the_date_pickers(client, sales):
    """A date picker keeps only an ISO value: the Indonesian 31-05-2026 showed an empty field."""
    editor = UserFactory(username="editor-keuangan")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    page = BeautifulSoup(client.get("/admin/settlements/settle/").content, "html.parser")
    last_of_previous_month = TODAY.replace(day=1) - timedelta(days=1)
    assert page.select_one('input[name="period_start"][type="date"]')["value"] == str(
        last_of_previous_month.replace(day=1))
    assert page.select_one('input[name="period_end"][type="date"]')["value"] == str(last_of_previous_month)


def test_settle_command_writes_the_report(sales, tmp_path):
    report = tmp_path / "penyelesaian.csv"
    call_command("payouts_settle", "--start", str(TODAY.replace(day=1)), "--end", str(TODAY), "--report", str(report))
    assert rows(report.read_text())[0]["toko"] == "Sasirangan Ibu Aminah"


# --- Stripe Connect, against stripe-mock ---------------------------------------------------------

@pytest.fixture
def stripe_mock(settings):
    url = os.environ.get("STRIPE_MOCK_URL", "")
    reachable = False
    if url:
        try:
            reachable = requests.get(f"{url}/v1/balance", auth=("sk_test_123", ""), timeout=3).ok
        except requests.RequestException:
            reachable = False
    require_service(reachable, "stripe-mock", "scripts/ci/stripe-mock.sh start, then export STRIPE_MOCK_URL")
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_API_BASE = url
    settings.STRIPE_CONNECT_ENABLED = True
    return url


def test_express_onboarding_goes_to_stripe_and_back(client, sales, stripe_mock):
    client.force_login(sales["aminah"].owner)
    assert "Hubungkan Stripe" in client.get("/toko/pendapatan/").content.decode()
    response = client.post("/toko/pendapatan/stripe/")
    assert response.status_code == 302 and response["Location"].startswith("https://")
    account = PayoutAccount.objects.get(shop=sales["aminah"])
    assert account.stripe_account_id.startswith("acct_")
    # A second click reuses the account.
    client.post("/toko/pendapatan/stripe/")
    assert PayoutAccount.objects.get(shop=sales["aminah"]).stripe_account_id == account.stripe_account_id
    assert client.get("/toko/pendapatan/stripe/ulang/")["Location"].startswith("https://")
    back = client.get("/toko/pendapatan/stripe/kembali/")
    assert back.status_code == 302 and back["Location"] == "/toko/pendapatan/"


def test_connect_pages_are_not_there_when_connect_is_off(client, sales, settings):
    settings.STRIPE_CONNECT_ENABLED = False
    client.force_login(sales["aminah"].owner)
    assert client.post("/toko/pendapatan/stripe/").status_code == 404
    assert client.get("/toko/pendapatan/stripe/kembali/").status_code == 404
    assert "Hubungkan Stripe" not in client.get("/toko/pendapatan/").content.decode()


def test_connect_shops_are_paid_by_transfer_and_the_rest_by_bank(sales, stripe_mock):
    PayoutAccount.objects.create(shop=sales["aminah"], stripe_account_id="acct_1QgebrakShop01",
                                 stripe_transfers_active=True)
    fulfilment.suborder_mark_shipped(sub_order=sales["waiting"], courier="POS Indonesia", tracking_number="POS0001")
    settlements = {s.shop.name: s for s in payouts.settlements_create(period_start=TODAY, period_end=TODAY)}
    aminah, tambak = settlements["Sasirangan Ibu Aminah"], settlements["Kelompok Tambak Baru"]
    assert (aminah.method, aminah.status, aminah.amount_idr) == (SettlementMethod.STRIPE,
                                                                  SettlementStatus.TRANSFERRED, 368_500)
    assert aminah.stripe_transfer_id.startswith("tr_")
    assert (tambak.method, tambak.status, tambak.amount_idr) == (SettlementMethod.BANK, SettlementStatus.TO_PAY,
                                                                  150_000)


@pytest.fixture
def fake_stripe(settings):
    from tests.reliability.fake_stripe import FakeStripe

    fake = FakeStripe(hang_seconds=1)
    settings.STRIPE_CONNECT_ENABLED = True
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_123", fake.url
    yield fake
    fake.close()


def test_a_refused_transfer_is_left_for_the_finance_office(sales, fake_stripe):
    PayoutAccount.objects.create(shop=sales["aminah"], stripe_account_id="acct_missing", stripe_transfers_active=True)
    [settlement] = payouts.settlements_create(period_start=TODAY, period_end=TODAY)
    assert settlement.status == SettlementStatus.FAILED and "No such destination" in settlement.failure_message
    [row] = rows(payouts.settlement_report_csv(period_start=TODAY, period_end=TODAY))
    assert (row["toko"], row["status"], row["jumlah_rp"]) == ("Sasirangan Ibu Aminah", "failed", "368500")


def test_a_transfer_stripe_does_not_answer_waits_and_is_sent_once_stripe_is_back(sales, fake_stripe, settings):
    """The task queue tries it again (here, where tasks run at once, the reconcile does), never as a
    second transfer: the same idempotency key."""
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    PayoutAccount.objects.create(shop=sales["aminah"], stripe_account_id="acct_1QgebrakShop01",
                                 stripe_transfers_active=True)
    [settlement] = payouts.settlements_create(period_start=TODAY, period_end=TODAY)
    assert settlement.status == SettlementStatus.TRANSFER_PENDING and not settlement.stripe_transfer_id
    [row] = rows(payouts.settlement_report_csv(period_start=TODAY, period_end=TODAY))
    assert row["status"] == "pending"
    settings.STRIPE_API_BASE = fake_stripe.url
    assert payouts.settlements_transfer_pending(older_than_seconds=0) == 1
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.TRANSFERRED and settlement.stripe_transfer_id.startswith("tr_fake_")
    assert payouts.settlements_transfer_pending(older_than_seconds=0) == 0
    assert [transfer["amount"] for transfer in fake_stripe.transfers.values()] == [36_850_000]


def test_a_cancelled_order_refunded_in_full_reads_nothing_owed_not_paid_out(client, sales):
    """Its row said "Sudah dibayarkan" (paid out to you) for money the artisan never had."""
    from marketplace.orders import refunds
    from marketplace.orders.models import Refund

    fulfilment.suborder_cancel(sub_order=sales["waiting"], reason="Kainnya rusak terkena air.")
    refunds.refund_mark_succeeded(refund=Refund.objects.get(), stripe_refund_id="re_test_1")  # Stripe's answer
    [row] = payouts.earnings_for_shop(shop=sales["tambak"])
    assert (row.owed_idr, row.settled_idr) == (0, 0)
    client.force_login(sales["tambak"].owner)
    page = BeautifulSoup(client.get("/toko/pendapatan/").content, "html.parser")
    [cell] = page.select("td[data-label=Pembayaran]")
    assert cell.get_text(strip=True) == "Tidak ada (dikembalikan ke pembeli)"
