from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TripsConfig(AppConfig):
    """The visitor's trip plan (tourism/trips/models.py)."""

    name = "tourism.trips"
    label = "trips"
    verbose_name = _("Rencana perjalanan")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config import dependencies
        from tourism.trips import kinds, services
        from tourism.trips.models import TripPlan, TripStop

        kinds.register()
        user_logged_in.connect(services.plan_merge_on_sign_in, dispatch_uid="trips-merge-on-sign-in")
        # No public page shows a visitor's plan: saving a stop makes nothing stale in the page caches.
        for model in (TripPlan, TripStop):
            dependencies.on_change(model, lambda row: ())
