"""Editors keep the rate table in the admin and move it in and out as CSV.

A bad file names its line and column and changes nothing; a good one replaces the table.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.shipping.models import CourierService, ShippingRate
from marketplace.shipping.table_csv import RateTableError, rate_table_export, rate_table_import

pytestmark = pytest.mark.django_db

HEADER = "code,courier,service,label,weight_tolerance_g,zone,first_kg_idr,next_kg_idr,days_min,days_max\n"


def table():
    return sorted(ShippingRate.objects.values_list("service__code", "zone", "first_kg_idr", "next_kg_idr",
                                                   "days_min", "days_max"))


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor-tarif", "tarif@banjarkab.go.id", "sandi-editor-1")
    user.groups.add(Group.objects.get(name__in=["Editors", "Editor"]))  # tourism 0009 renames it
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def url(name):
    return reverse(ShippingRate.snippet_viewset.get_url_name(name))


def test_export_then_import_gives_the_same_table():
    before = table()
    exported = rate_table_export()
    assert exported.startswith(HEADER.replace("\n", ",label_en\n"))
    assert "jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,42000,2,4,\n" in exported
    assert "pos-ems,pos,EMS,POS EMS (luar negeri),0,asean,290000,95000,4,7,POS EMS (international)\n" in exported
    summary = rate_table_import(exported)
    assert summary.rates == len(before) and summary.switched_off == []
    assert table() == before


def test_a_good_file_replaces_the_table_and_switches_off_services_left_out():
    summary = rate_table_import(HEADER + "jne-reg,jne,REG,JNE REG,300,jawa-bali,45000,45000,2,3\n"
                                         "kurir-baru,baru,KILAT,Kurir Baru,200,banjar,8000,8000,1,1\n")
    assert table() == [("jne-reg", "jawa-bali", 45000, 45000, 2, 3), ("kurir-baru", "banjar", 8000, 8000, 1, 1)]
    assert "jne-yes" in summary.switched_off
    assert set(CourierService.objects.filter(is_active=True).values_list("code", flat=True)) == {"jne-reg",
                                                                                                  "kurir-baru"}


@pytest.mark.parametrize(("rows", "where"), [
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali,42.000,42000,2,4\n", "baris 2, kolom first_kg_idr"),
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,42000,2,4\njne-reg,jne,REG,JNE REG,300,mars,1,1,1,1\n",
     "baris 3, kolom zone"),
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,42000,5,4\n", "baris 2, kolom days_max"),
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,-1,2,4\n", "baris 2, kolom next_kg_idr"),
    ("jne-reg,jne,REG,JNE REG,1300,jawa-bali,42000,42000,2,4\n", "baris 2, kolom weight_tolerance_g"),
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,42000,2,4\njne-reg,jne,REG,JNE REG,300,jawa-bali,1,1,1,1\n",
     "baris 3, kolom zone"),
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,42000,2,4\njne-reg,jne,REG,JNE Reguler,300,sumatra,1,1,1,1\n",
     "baris 3, kolom label"),
    ("JNE REG!,jne,REG,JNE REG,300,jawa-bali,42000,42000,2,4\n", "baris 2, kolom code"),
    ("jne-reg,jne,REG,,300,jawa-bali,42000,42000,2,4\n", "baris 2, kolom label"),
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali\n", "baris 2:"),
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali,999999999999,1,2,4\n", "baris 2, kolom first_kg_idr"),
    # Digits that are not 0-9: Python's int() refuses the superscript and reads the Arabic-Indic ones.
    ("jne-reg,jne,REG,JNE REG,³00,jawa-bali,42000,42000,2,4\n", "baris 2, kolom weight_tolerance_g"),
    ("jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,42000,٢,4\n", "baris 2, kolom days_min"),
    # A quote left open runs past the csv module's cell limit, many lines on: named where it opened.
    ('jne-reg,jne,REG,"JNE REG,300,jawa-bali,42000,42000,2,4\n' + "jne-yes,jne,YES,JNE YES,300,banjar,1,1,1,1\n" * 3100,
     "baris 2:"),
])
def test_a_bad_row_names_its_line_and_column_and_changes_nothing(rows, where):
    before = table()
    with pytest.raises(RateTableError) as caught:
        rate_table_import(HEADER + rows)
    assert str(caught.value).startswith(where), str(caught.value)[:200]
    assert table() == before and CourierService.objects.filter(is_active=False).count() == 0


def english_names():
    return dict(CourierService.objects.values_list("code", "label_en"))


def test_english_names_come_in_their_own_column_and_a_file_without_it_keeps_them():
    rate_table_import(HEADER.replace("\n", ",label_en\n")
                      + "jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,42000,2,4,\n"
                      + "kurir-lokal,lokal,KILAT,Kurir lokal Martapura,0,banjar,8000,8000,1,1,Martapura local courier\n"
                      + "pos-ems,pos,EMS,POS EMS (luar negeri),0,asean,290000,95000,4,7,POS EMS (abroad)\n")
    names = english_names()
    assert (names["jne-reg"], names["kurir-lokal"], names["pos-ems"]) == ("", "Martapura local courier",
                                                                          "POS EMS (abroad)")
    rate_table_import(HEADER + "pos-ems,pos,EMS,POS EMS (luar negeri),0,asean,290000,95000,4,7\n")  # an old file
    assert english_names()["pos-ems"] == "POS EMS (abroad)"
    with pytest.raises(RateTableError) as caught:
        rate_table_import(HEADER.replace("\n", ",label_en\n")
                          + "pos-ems,pos,EMS,POS EMS (luar negeri),0,asean,290000,95000,4,7," + "x" * 61 + "\n")
    assert str(caught.value).startswith("baris 2, kolom label_en"), str(caught.value)
    assert english_names()["pos-ems"] == "POS EMS (abroad)"


def test_a_bad_row_after_a_cell_spanning_lines_is_named_by_the_line_it_starts_on():
    """A spreadsheet numbers lines of the file; a quoted cell may take two."""
    with pytest.raises(RateTableError) as caught:
        rate_table_import(HEADER + 'jne-reg,jne,REG,"JNE\nREG",300,jawa-bali,42000,42000,2,4\n'
                          "jne-yes,jne,YES,JNE YES,300,banjar,satu,1,1,1\n")
    assert str(caught.value).startswith("baris 4, kolom first_kg_idr"), str(caught.value)


def test_a_file_with_lines_ended_by_cr_alone_is_read():
    """A spreadsheet's "CSV (Macintosh)" ends its lines with CR alone."""
    rate_table_import((HEADER + "jne-reg,jne,REG,JNE REG,300,jawa-bali,45000,45000,2,3\n").replace("\n", "\r"))
    assert table() == [("jne-reg", "jawa-bali", 45000, 45000, 2, 3)]


def test_a_service_an_editor_writes_in_capitals_survives_an_export_and_import():
    """The CSV writes codes and couriers in lower case: a service saved as JNE-KILAT came back from
    an export and import as a second service, and the first was switched off."""
    from django.core.exceptions import ValidationError

    service = CourierService(code="JNE-KILAT", courier="JNE", service="KILAT", label="JNE Kilat")
    service.full_clean()
    service.save()
    ShippingRate.objects.create(service=service, zone="banjar", first_kg_idr=9000, next_kg_idr=9000,
                                days_min=1, days_max=1)
    summary = rate_table_import(rate_table_export())
    assert summary.switched_off == []
    assert CourierService.objects.filter(code__iexact="jne-kilat").count() == 1
    assert CourierService.objects.get(code="jne-kilat").is_active
    with pytest.raises(ValidationError) as refused:
        CourierService(code="JNE-REG", courier="jne", service="REG", label="JNE REG lagi").full_clean()
    assert "code" in refused.value.message_dict


def test_a_file_without_the_columns_or_rates_is_refused():
    with pytest.raises(RateTableError, match="kolom yang wajib tidak ada: days_max"):
        rate_table_import(HEADER.replace(",days_max", ""))
    with pytest.raises(RateTableError, match="tidak berisi satu tarif"):
        rate_table_import(HEADER)


def test_an_editor_sees_the_table_and_exports_it(editor_client):
    listing = editor_client.get(url("list"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "JNE REG" in text and url("export_csv") in text and url("import_csv") in text
    exported = editor_client.get(url("export_csv"))
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    assert "attachment" in exported["Content-Disposition"]
    assert exported.content.decode() == rate_table_export()


def test_an_editor_imports_a_csv(editor_client):
    form = editor_client.get(url("import_csv"))
    assert form.status_code == 200 and "weight_tolerance_g" in form.content.decode()
    assert "<code>label_en</code>" in form.content.decode()
    upload = SimpleUploadedFile("tarif.csv", (HEADER + "jne-reg,jne,REG,JNE REG,300,jawa-bali,45000,45000,2,3\n")
                                .encode(), content_type="text/csv")
    response = editor_client.post(url("import_csv"), {"file": upload})
    assert response.status_code == 302
    assert table() == [("jne-reg", "jawa-bali", 45000, 45000, 2, 3)]


def test_a_bad_upload_is_a_400_with_line_and_column_and_nothing_written(editor_client):
    before = table()
    upload = SimpleUploadedFile("tarif.csv", (HEADER + "jne-reg,jne,REG,JNE REG,300,jawa-bali,42rb,42000,2,4\n")
                                .encode(), content_type="text/csv")
    response = editor_client.post(url("import_csv"), {"file": upload})
    assert response.status_code == 400
    assert "baris 2, kolom first_kg_idr" in response.content.decode()
    assert table() == before
    latin = SimpleUploadedFile("tarif.csv", "kode,é\n".encode("latin-1"), content_type="text/csv")
    response = editor_client.post(url("import_csv"), {"file": latin})
    assert response.status_code == 200 and "UTF-8" in response.content.decode()
    assert table() == before


def test_someone_without_the_rate_permissions_cannot_import(client, django_user_model):
    user = django_user_model.objects.create_user("moderator-x", "m@banjarkab.go.id", "sandi-moderator-1")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    before = table()
    upload = SimpleUploadedFile("tarif.csv", (HEADER + "jne-reg,jne,REG,JNE REG,300,jawa-bali,1,1,1,1\n").encode())
    assert client.post(url("import_csv"), {"file": upload}).status_code in {302, 403}
    assert client.get(url("export_csv")).status_code in {302, 403}
    assert table() == before
