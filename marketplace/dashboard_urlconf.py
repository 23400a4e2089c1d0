"""A URLconf with only the dashboard, named on dashboard 404s (see dashboard_views.not_found).

Django's LocaleMiddleware answers any 404 outside the language prefixes by
redirecting to the same path under /id/, because Wagtail's catch-all route makes
every /id/... path look valid: /toko/produk/7/ would become a redirect to
/id/toko/produk/7/ instead of a plain "not found". The middleware consults
`request.urlconf`; pointing it here, where no language prefix exists, keeps the
dashboard's 404 a 404.
"""

from django.urls import include, path

urlpatterns = [path("toko/", include("marketplace.dashboard_urls"))]
