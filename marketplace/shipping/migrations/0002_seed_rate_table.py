"""The first rate table, from Banjarmasin (docs/decisions.md, "Delivery: the seeded rate table"),
and the Editors' permission to keep it.

Figures are per kilogram (the first and each further one are the same for Indonesian express
parcels; abroad the first costs more), in whole rupiah, with delivery days min-max. Zones run
outwards from Banjar and no service is cheaper to a farther zone.
"""

from django.db import migrations

from config.migration_grants import grant_to_groups


# code, courier, service, label, tolerance in grams
SERVICES = [
    ("jne-reg", "jne", "REG", "JNE REG", 300),
    ("jne-yes", "jne", "YES", "JNE YES", 300),
    ("jnt-ez", "jnt", "EZ", "J&T EZ", 300),
    ("sicepat-reg", "sicepat", "REG", "SiCepat REG", 300),
    ("pos-kilat", "pos", "Kilat Khusus", "POS Kilat Khusus", 0),
    ("pos-ems", "pos", "EMS", "POS EMS (luar negeri)", 0),
]

# code -> zone -> (first kg, each further kg, days min, days max); a zone left out is not served.
RATES = {
    "jne-reg": {"banjar": (10000, 10000, 1, 2), "kalsel": (18000, 18000, 2, 3), "kalimantan": (32000, 32000, 2, 4),
                "jawa-bali": (42000, 42000, 2, 4), "sumatra": (55000, 55000, 3, 5),
                "sulawesi": (58000, 58000, 3, 5), "nusa-tenggara": (68000, 68000, 3, 6),
                "maluku-papua": (110000, 110000, 4, 8)},
    "jne-yes": {"banjar": (18000, 18000, 1, 1), "kalsel": (28000, 28000, 1, 1), "kalimantan": (52000, 52000, 1, 1),
                "jawa-bali": (66000, 66000, 1, 1), "sumatra": (85000, 85000, 1, 2),
                "sulawesi": (88000, 88000, 1, 2), "nusa-tenggara": (98000, 98000, 1, 2)},
    "jnt-ez": {"banjar": (9000, 9000, 1, 2), "kalsel": (16000, 16000, 2, 3), "kalimantan": (30000, 30000, 2, 4),
               "jawa-bali": (40000, 40000, 2, 4), "sumatra": (52000, 52000, 3, 5),
               "sulawesi": (55000, 55000, 3, 6), "nusa-tenggara": (64000, 64000, 3, 6),
               "maluku-papua": (105000, 105000, 4, 9)},
    "sicepat-reg": {"banjar": (9000, 9000, 1, 2), "kalsel": (17000, 17000, 2, 3),
                    "kalimantan": (29000, 29000, 2, 4), "jawa-bali": (39000, 39000, 2, 4),
                    "sumatra": (51000, 51000, 3, 5), "sulawesi": (54000, 54000, 3, 5),
                    "nusa-tenggara": (63000, 63000, 3, 6), "maluku-papua": (100000, 100000, 4, 8)},
    "pos-kilat": {"banjar": (9500, 9500, 1, 3), "kalsel": (15000, 15000, 2, 4), "kalimantan": (28000, 28000, 3, 5),
                  "jawa-bali": (36000, 36000, 3, 6), "sumatra": (49000, 49000, 4, 7),
                  "sulawesi": (52000, 52000, 4, 7), "nusa-tenggara": (60000, 60000, 4, 8),
                  "maluku-papua": (95000, 95000, 5, 10)},
    "pos-ems": {"asean": (290000, 95000, 4, 7), "asia-pacific": (390000, 135000, 5, 9),
                "world": (520000, 210000, 7, 14)},
}

RATE_TABLE_PERMISSIONS = [f"{action}_{model}" for model in ("courierservice", "shippingrate")
                          for action in ("add", "change", "delete", "view")]
# Wagtail names the group "Editors"; tourism 0009 renames it "Editor". Whichever this database has.
GRANTS = {"Editors": RATE_TABLE_PERMISSIONS, "Editor": RATE_TABLE_PERMISSIONS}


def seed(apps, schema_editor):
    CourierService = apps.get_model("shipping", "CourierService")
    ShippingRate = apps.get_model("shipping", "ShippingRate")
    for order, (code, courier, service, label, tolerance) in enumerate(SERVICES):
        courier_service, _created = CourierService.objects.get_or_create(
            code=code, defaults={"courier": courier, "service": service, "label": label,
                                 "weight_tolerance_g": tolerance, "sort_order": order})
        for zone, (first_kg, next_kg, days_min, days_max) in RATES[code].items():
            ShippingRate.objects.get_or_create(
                service=courier_service, zone=zone,
                defaults={"first_kg_idr": first_kg, "next_kg_idr": next_kg, "days_min": days_min,
                          "days_max": days_max})
    grant_to_groups(apps, app_label="shipping", grants=GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
