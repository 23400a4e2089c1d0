"""The CSVs people open in a spreadsheet never carry a formula an artisan wrote (issue 13, finding 6).

An artisan controls the shop's name and the bank details on `/toko/pendapatan/rekening/`; the
finance office opens the settlement report in a spreadsheet. A cell starting with = + - @ (or a tab
or carriage return) would be evaluated there; it must reach the spreadsheet as text.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from config.csv_export import csv_text, spreadsheet_cell
from marketplace.orders import fulfilment
from tests.marketplace.factories import UserFactory
from tests.marketplace.orders import factories as f
from tourism.roles import EDITORS


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_the_settlement_report_shows_an_artisans_formulas_as_text(client):
    today = timezone.localdate()
    shop = f.shop(name='=HYPERLINK("http://contoh.example/bayar","Klik")', phone="+6281234567890")
    shipped = f.paid_order((f.product(shop=shop, price_idr=175_000, stock=5), 2)).sub_orders.get()
    fulfilment.suborder_mark_shipped(sub_order=shipped, courier="JNE", tracking_number="JNE001")
    client.force_login(shop.owner)
    saved = client.post("/toko/pendapatan/rekening/", {
        "bank_name": "@SUM(1+1)", "account_number": "0012-3456 789", "account_holder": "-2+3+cmd|' /C calc'!A0"})
    assert saved.status_code == 302

    editor = UserFactory(username="editor-keuangan")
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    client.post("/admin/settlements/settle/", {"period_start": str(today), "period_end": str(today)})
    report = client.get(f"/admin/settlements/report.csv?period_start={today}&period_end={today}")
    [row] = rows(report.content.decode())

    assert row["toko"] == '\'=HYPERLINK("http://contoh.example/bayar","Klik")'
    assert row["nama_bank"] == "'@SUM(1+1)"
    assert row["nama_pemilik_rekening"] == "'-2+3+cmd|' /C calc'!A0"
    # Numbers stay numbers: the amount, the account number and a phone that is only digits.
    # Rp 350.000 of goods less the 5 % fee on them, plus the shipping (all the artisan's).
    assert (row["jumlah_rp"], row["nomor_rekening"], row["telepon"]) == (
        str(332_500 + shipped.shipping_idr), "00123456789", "+6281234567890")


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"),
    ("+1+1", "'+1+1"),
    ("-1+1", "'-1+1"),
    ("@A1", "'@A1"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Aminah binti Usman", "Aminah binti Usman"),
    ("a=1+1", "a=1+1"),
    ("-95000", "-95000"),
    ("+6281234567890", "+6281234567890"),
    ("-1.5", "-1.5"),
    ("", ""),
    (None, ""),
    (-95_000, -95_000),
    (Decimal("-2.5"), Decimal("-2.5")),
])
def test_a_cell_that_would_be_a_formula_is_text_and_a_number_stays_a_number(value, cell):
    assert spreadsheet_cell(value) == cell


def test_the_header_and_every_row_go_through_the_cell_rule():
    text = csv_text(header=["=a", "b"], rows=[["=1", -5], ["x", "@y"]])
    assert list(csv.reader(io.StringIO(text))) == [["'=a", "b"], ["'=1", "-5"], ["x", "'@y"]]
