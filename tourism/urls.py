"""Language-neutral URLs of the Gebrak issue: share images, the share counter, sitemap, robots."""

from django.urls import path

from tourism import views

app_name = "tourism"
urlpatterns = [
    path("og/<str:key>.jpg", views.og_image, name="og_image"),
    path("bagikan/", views.share_beacon, name="share_beacon"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
