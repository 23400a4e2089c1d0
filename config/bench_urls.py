"""The site's URLs plus /bench/bare, used only when BENCH=1 (bench/run.py sets it).

/bench/bare is the ceiling the benchmark compares pages with: a Django view that
does nothing, answered through the same middleware, server and settings as every
page. It never exists on the real site.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), *site_urlpatterns]
