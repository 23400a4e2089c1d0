"""A visitor's trip plan ("Rencana perjalanan"): stops saved from destination, event, shop and
product pages, ordered into days.

The plan knows a stop only as (kind, object id): what a kind is, and whether an id is public,
the app that owns it says through tourism/trips/registry.py, so tourism never imports the
marketplace. A visitor without an account keeps the plan by its `owner_token` (in the session
and a signed cookie); signed in, by the account. `share_token` is another secret, for the
read-only link, so a shared link never lets anyone edit.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 14
MAX_STOPS = 60


def new_token() -> str:
    # 32 bytes of randomness: unguessable, URL-safe, 43 characters.
    return secrets.token_urlsafe(32)


class TripPlan(models.Model):
    owner_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    share_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("akun"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="trip_plan")
    start_date = models.DateField(_("tanggal hari pertama"), null=True, blank=True)
    day_count = models.PositiveSmallIntegerField(_("jumlah hari"), default=1)
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)

    class Meta:
        verbose_name = _("rencana perjalanan")
        verbose_name_plural = _("rencana perjalanan")

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class TripStop(models.Model):
    plan = models.ForeignKey(TripPlan, on_delete=models.CASCADE, related_name="stops")
    kind = models.CharField(_("jenis"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("nomor benda"))
    day = models.PositiveSmallIntegerField(_("hari"), default=1)
    position = models.PositiveIntegerField(_("urutan"), default=0)
    added_at = models.DateTimeField(_("ditambahkan pada"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["day", "position", "pk"]
        verbose_name = _("persinggahan")
        verbose_name_plural = _("persinggahan")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "object_id"], name="trips_stop_once_per_plan"),
            models.CheckConstraint(condition=models.Q(day__gte=1), name="trips_stop_day_gte_1"),
        ]

    def __str__(self):
        return f"{self.key} ({self._meta.verbose_name} #{self.pk})"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"
