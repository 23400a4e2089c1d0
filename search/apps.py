from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Pencarian")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from config.health import health_status_register
        from search import signals
        from search.engines import engine_status

        signals.connect()
        health_status_register("search", engine_status)
