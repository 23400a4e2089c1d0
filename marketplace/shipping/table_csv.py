"""The rate table as CSV, for editors who keep it in a spreadsheet: export, and import that replaces it.

One row per service and zone, with the service's own columns repeated on each of its rows:

    code,courier,service,label,weight_tolerance_g,zone,first_kg_idr,next_kg_idr,days_min,days_max,label_en
    jne-reg,jne,REG,JNE REG,300,jawa-bali,42000,42000,2,4,
    pos-ems,pos,EMS,POS EMS (luar negeri),0,asean,290000,95000,4,7,POS EMS (international)

`label_en` (the name English pages show; blank: `label`) may be left out: a file made before it
existed leaves the English names as they are.

The file is the whole table: every row is checked before anything is written, a bad one is
reported with its line and column and nothing changes; a good file replaces every rate, and a
service missing from it is switched off (kept, since orders name it).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from config.digits import ascii_digits
from marketplace.shipping.models import MAX_DAYS, MAX_RATE_IDR, CourierService, ShippingRate
from marketplace.shipping.regions import Zone

COLUMNS = ["code", "courier", "service", "label", "weight_tolerance_g", "zone", "first_kg_idr", "next_kg_idr",
           "days_min", "days_max"]
OPTIONAL_COLUMNS = ["label_en"]
SERVICE_COLUMNS = ["courier", "service", "label", "weight_tolerance_g", "label_en"]
MAX_ROWS = 2000
ZONE_CODES = [zone.value for zone in Zone]


class RateTableError(ValueError):
    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        where = []
        if line is not None:
            where.append(_("baris %(line)s") % {"line": line})
        if column:
            where.append(_("kolom %(column)s") % {"column": column})
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.line, self.column = line, column


@dataclass
class ImportSummary:
    services: int
    rates: int
    switched_off: list[str]


def rate_table_export() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS + OPTIONAL_COLUMNS)
    rates = sorted(ShippingRate.objects.select_related("service"),
                   key=lambda rate: (rate.service.sort_order, rate.service.code, ZONE_CODES.index(rate.zone)))
    for rate in rates:
        service = rate.service
        writer.writerow([service.code, service.courier, service.service, service.label, service.weight_tolerance_g,
                         rate.zone, rate.first_kg_idr, rate.next_kg_idr, rate.days_min, rate.days_max,
                         service.label_en])
    return buffer.getvalue()


def _whole_number(value: str, *, line: int, column: str, maximum: int) -> int:
    text = value.strip()
    if not ascii_digits(text):
        raise RateTableError(_("harus angka utuh 0 atau lebih, tanpa titik; tertulis “%(value)s”.")
                             % {"value": value}, line=line, column=column)
    number = int(text)
    if number > maximum:
        raise RateTableError(_("paling besar %(maximum)s; tertulis %(value)s.") % {"maximum": maximum, "value": number},
                             line=line, column=column)
    return number


def _text(value: str, *, line: int, column: str, max_length: int, blank: bool = False) -> str:
    text = value.strip()
    if not text and not blank:
        raise RateTableError(_("wajib diisi."), line=line, column=column)
    if len(text) > max_length:
        raise RateTableError(_("paling panjang %(max)s karakter.") % {"max": max_length}, line=line, column=column)
    return text


def _rows(reader):
    """The reader's rows, each with the line of the file it starts on (what a spreadsheet numbers; a
    quoted cell may span lines). What the csv module cannot read (a quote left open until a cell
    longer than its limit) is the editor's error at the line its row starts (the module gives up
    thousands of lines further on), not a 500."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise RateTableError(_("tidak terbaca sebagai CSV: periksa tanda kutip dan panjang isinya."),
                                 line=line) from error
        yield line, row


def _parse(text: str) -> tuple[dict[str, dict], list[dict]]:
    # Universal line endings: a spreadsheet's "CSV (Macintosh)" ends its lines with CR alone.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=None))
    rows = _rows(reader)
    _line, header = next(rows, (1, None))
    if header is None:
        raise RateTableError(_("Berkas kosong."))
    header = [name.strip().lower() for name in header]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise RateTableError(_("kolom yang wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)}, line=1)
    position = {name: header.index(name) for name in COLUMNS + OPTIONAL_COLUMNS if name in header}
    services: dict[str, dict] = {}
    rates: list[dict] = []
    seen = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(rates) >= MAX_ROWS:
            raise RateTableError(_("paling banyak %(max)s baris tarif.") % {"max": MAX_ROWS}, line=line)
        if len(row) < len(header):
            raise RateTableError(_("baris ini kurang kolom: ada %(found)s, seharusnya %(wanted)s.")
                                 % {"found": len(row), "wanted": len(header)}, line=line)
        cell = {name: row[column] for name, column in position.items()}
        code = _text(cell["code"], line=line, column="code", max_length=40).lower()
        if not all(ch.isalnum() or ch == "-" for ch in code) or not code.isascii():
            raise RateTableError(_("hanya huruf kecil, angka dan tanda hubung, mis. jne-reg."), line=line, column="code")
        service = {
            "courier": _text(cell["courier"], line=line, column="courier", max_length=20).lower(),
            "service": _text(cell["service"], line=line, column="service", max_length=40),
            "label": _text(cell["label"], line=line, column="label", max_length=60),
            "weight_tolerance_g": _whole_number(cell["weight_tolerance_g"], line=line, column="weight_tolerance_g",
                                                maximum=999),
        }
        if "label_en" in cell:
            service["label_en"] = _text(cell["label_en"], line=line, column="label_en", max_length=60, blank=True)
        if code in services and services[code] != service:
            differing = next(name for name in SERVICE_COLUMNS if services[code].get(name) != service.get(name))
            raise RateTableError(_("layanan %(code)s ditulis berbeda di baris lain.") % {"code": code},
                                 line=line, column=differing)
        services[code] = service
        zone = cell["zone"].strip().lower()
        if zone not in ZONE_CODES:
            raise RateTableError(_("zona “%(zone)s” tidak dikenal; pilih salah satu: %(zones)s.")
                                 % {"zone": cell["zone"], "zones": ", ".join(ZONE_CODES)},
                                 line=line, column="zone")
        if (code, zone) in seen:
            raise RateTableError(_("tarif %(code)s ke zona %(zone)s sudah ada di baris %(other)s.")
                                 % {"code": code, "zone": zone, "other": seen[code, zone]}, line=line, column="zone")
        seen[code, zone] = line
        rate = {"code": code, "zone": zone}
        for name in ("first_kg_idr", "next_kg_idr"):
            rate[name] = _whole_number(cell[name], line=line, column=name, maximum=MAX_RATE_IDR)
        for name in ("days_min", "days_max"):
            rate[name] = _whole_number(cell[name], line=line, column=name, maximum=MAX_DAYS)
        if rate["days_min"] > rate["days_max"]:
            raise RateTableError(_("paling lama (%(max)s) lebih cepat dari paling cepat (%(min)s).")
                                 % {"max": rate["days_max"], "min": rate["days_min"]}, line=line, column="days_max")
        rates.append(rate)
    if not rates:
        raise RateTableError(_("Berkas tidak berisi satu tarif pun."))
    return services, rates


def rate_table_import(text: str) -> ImportSummary:
    """Replace the rate table with the CSV's; a RateTableError (line, column) leaves it as it was."""
    services, rates = _parse(text)
    with transaction.atomic():
        by_code = {}
        for order, (code, fields) in enumerate(services.items()):
            service, _created = CourierService.objects.update_or_create(
                code=code, defaults={**fields, "is_active": True, "sort_order": order})
            by_code[code] = service
        switched_off = list(CourierService.objects.exclude(code__in=list(services)).filter(is_active=True)
                            .values_list("code", flat=True))
        CourierService.objects.filter(code__in=switched_off).update(is_active=False)
        ShippingRate.objects.all().delete()
        ShippingRate.objects.bulk_create([
            ShippingRate(service=by_code[rate["code"]], zone=rate["zone"], first_kg_idr=rate["first_kg_idr"],
                         next_kg_idr=rate["next_kg_idr"], days_min=rate["days_min"], days_max=rate["days_max"])
            for rate in rates])
    return ImportSummary(services=len(services), rates=len(rates), switched_off=switched_off)
