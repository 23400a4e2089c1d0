from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # The JSON API (django-ninja, search/api.py): /api/search, /api/shipping/options, /api/openapi.json.
    path("api/", include("search.api_urls")),
    path("payments/", include("marketplace.payments.urls")),
    path("toko/", include("marketplace.dashboard_urls")),
    # Share images, the share counter, sitemap.xml and robots.txt (tourism/urls.py).
    path("", include("tourism.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Everything a visitor reads carries its language: /id/... and /en/...
urlpatterns += i18n_patterns(
    # Cart, checkout and orders first: they share the prefix with the marketplace's pages.
    path("kampung-sasirangan/", include("marketplace.orders.urls")),
    path("kampung-sasirangan/", include("marketplace.reviews.urls")),
    path("kampung-sasirangan/", include("marketplace.urls")),
    path("cari/", include("search.urls")),
    path("foto-pengunjung/", include("tourism.visitor_photo_urls")),
    # The visitor's trip plan: /id/rencana/, /en/my-trip/ (tourism/trips/).
    path(_("rencana/"), include("tourism.trips.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
