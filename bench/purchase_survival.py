"""How many cached pages survive a purchase and a publish (issue 12), in-process.

Not a test: it needs the demo content. Every public page of the sitemap is visited twice
by an anonymous visitor (stored, then served from the page cache); then one product's
stock moves as a purchase moves it (the UPDATE and what stock.py tells the caches after
the commit), and every page is visited again: a "hit" survived. The same after purging
everything (what a purchase did before issue 12), and after publishing one destination.

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/purchase_survival.py

The database must hold the demo (`manage.py migrate && manage.py load_demo`); it is changed
(one product loses one unit, one destination gets a revision).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("PAGE_CACHE_DIR", tempfile.mkdtemp(prefix="page-cache-"))


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.db.models import F
    from django.db.models.signals import post_save
    from django.test import Client
    from django.test.utils import override_settings

    from config.page_cache import page_cache_purge
    from marketplace import cache_tags
    from marketplace.models import Product
    from tourism.models import DestinationPage

    with override_settings(DEBUG=False, PAGE_CACHE_SECONDS=300, FRAGMENT_CACHE_SECONDS=0,
                           ALLOWED_HOSTS=["testserver", "localhost", "127.0.0.1"]):
        caches[settings.PAGE_CACHE_ALIAS].clear()
        client = Client()
        sitemap = client.get("/sitemap.xml").content.decode()
        paths = sorted({re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)})
        paths = [path for path in paths if path.startswith(("/id/", "/en/"))]

        def warm() -> int:
            for path in paths:
                client.get(path)
            return sum(client.get(path).get("X-Page-Cache") == "hit" for path in paths)

        def surviving() -> int:
            return sum(client.get(path).get("X-Page-Cache") == "hit" for path in paths)

        cached = warm()
        product = Product.objects.public().filter(stock__gt=1).order_by("pk").first()
        Product.objects.filter(pk=product.pk).update(stock=F("stock") - 1)
        cache_tags.stock_moved([product.pk])
        after_purchase = surviving()

        warm()
        page_cache_purge()  # what every purchase did before issue 12
        after_purge = surviving()

        warm()
        destination = DestinationPage.objects.live().filter(locale__language_code="id").order_by("pk").first()
        written = []
        spy = lambda sender, **kwargs: written.append(sender._meta.label_lower)  # noqa: E731
        post_save.connect(spy, weak=False, dispatch_uid="survival-spy")
        destination.save_revision().publish()
        post_save.disconnect(dispatch_uid="survival-spy")
        after_publish = surviving()

    print(f"public pages in the sitemap: {len(paths)}; stored and served from the cache: {cached}")
    print(f"a purchase of {product.slug!r}: {after_purchase} of {cached} still served from the cache "
          f"(before issue 12, a purchase purged everything: {after_purge})")
    print(f"a publish of {destination.slug!r}: {after_publish} of {cached} still served from the cache "
          f"(rows it wrote: {', '.join(sorted(set(written)))})")


if __name__ == "__main__":
    main()
