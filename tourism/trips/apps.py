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
        # Shares of a plan's read-only link are counted like a page's (WhatsApp clicks, arrivals).
        from tourism.sharing import CountedKind, counted_kind_register

        counted_kind_register(CountedKind(
            kind="trip", exists=lambda pk: TripPlan.objects.filter(pk=pk).exists(),
            titles=lambda pks: {pk: _("Rencana perjalanan #%(number)s") % {"number": pk} for pk in pks}))
        user_logged_in.connect(services.plan_merge_on_sign_in, dispatch_uid="trips-merge-on-sign-in")
        # No public page shows a visitor's plan: saving a stop makes nothing stale in the page caches.
        for model in (TripPlan, TripStop):
            dependencies.on_change(model, lambda row: ())
