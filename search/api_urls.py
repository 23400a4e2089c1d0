"""The public JSON API's URLs (search/api.py), included by config/urls.py at /api/ under the
namespace "api" ({% url 'api:suggest' %})."""

from search.api import api

urlpatterns = api.urls[0]
app_name = "api"
