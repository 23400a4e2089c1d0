"""Writes of the trip plan: which plan is the visitor's, saving and removing stops, ordering
them into days, and merging a device's plan into the account's on sign-in.

Every write is a few rows in one transaction and calls nothing outside the database.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config.digits import ascii_digits
from tourism.trips.models import MAX_DAYS, MAX_STOPS, TripPlan, TripStop
from tourism.trips.registry import stop_kind

SESSION_KEY = "gebrak_trip"
# The device keeps its plan beyond the session (a tourist's trip outlasts two weeks of sessions).
COOKIE_NAME = "gebrak_trip"
COOKIE_SALT = "tourism.trips.owner"
COOKIE_MAX_AGE = int(timedelta(days=365).total_seconds())
# A trip's first day, from a year back (a plan kept as the record of a trip) to two years ahead. Any
# date Python reads was taken before: year 9999 (or 1) broke every page that drew the plan, its
# shared link included, with a 500 until the visitor changed it.
START_DATE_PAST = timedelta(days=365)
START_DATE_AHEAD = timedelta(days=2 * 365)


class TripError(Exception):
    """Bad input: `message` for the visitor (in their language), `status` 400 or 404."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# --- Whose plan -------------------------------------------------------------------------------

def _device_token(request) -> str | None:
    session = getattr(request, "session", None)
    token = session.get(SESSION_KEY) if session is not None else None
    return token or request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)


def _device_plan(request) -> TripPlan | None:
    token = _device_token(request)
    # A plan merged into an account is no longer the device's: signed out, the cookie opens nothing.
    return TripPlan.objects.filter(owner_token=token, user__isnull=True).first() if token else None


def plan_for_request(request, *, create: bool = False) -> TripPlan | None:
    """The visitor's plan: the account's when signed in, else this device's; None when there is none
    (and `create` is false)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        plan = TripPlan.objects.filter(user=user).first()
        if plan is None and create:
            plan = TripPlan.objects.create(user=user)
        return plan
    plan = _device_plan(request)
    if plan is None and create:
        plan = TripPlan.objects.create()
    if plan is not None:
        if request.session.get(SESSION_KEY) != plan.owner_token:
            request.session[SESSION_KEY] = plan.owner_token
        request.trip_plan_token = plan.owner_token
    return plan


def plan_remember(request, response) -> None:
    """Keep this device's plan in a signed cookie too, so it outlives the session."""
    token = getattr(request, "trip_plan_token", None)
    if token and request.COOKIES.get(COOKIE_NAME) is None:
        response.set_signed_cookie(COOKIE_NAME, token, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE, httponly=True,
                                   samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def plan_merge_on_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: the plan made on this device joins the account's."""
    if request is None:
        return
    device = _device_plan(request)
    if device is None:
        return
    plan_merge(device=device, user=user)
    if hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


@transaction.atomic
def plan_merge(*, device: TripPlan, user) -> TripPlan:
    account = TripPlan.objects.select_for_update().filter(user=user).first()
    if account is None:
        device.user = user
        device.save(update_fields=["user", "updated_at"])
        return device
    kept = set(account.stops.values_list("kind", "object_id"))
    for stop in device.stops.order_by("day", "position", "pk"):
        if (stop.kind, stop.object_id) in kept:
            continue
        stop.plan = account
        stop.day = min(stop.day, MAX_DAYS)
        stop.position = 10_000 + stop.position  # after the account's own stops of that day
        stop.save(update_fields=["plan", "day", "position"])
    account.day_count = min(MAX_DAYS, max(account.day_count, device.day_count))
    account.start_date = account.start_date or device.start_date
    account.save(update_fields=["day_count", "start_date", "updated_at"])
    device.delete()
    _renumber(account)
    return account


# --- Stops ------------------------------------------------------------------------------------

def stop_key_parse(raw: str) -> tuple[str, int]:
    """'destination:12' -> ('destination', 12); anything else is refused with a message."""
    kind, _sep, raw_id = (raw or "").partition(":")
    if stop_kind(kind) is None:
        raise TripError(_("Jenis tempat ini tidak dikenal."))
    if not ascii_digits(raw_id) or len(raw_id) > 18:
        raise TripError(_("Tempat ini tidak dikenal."))
    return kind, int(raw_id)


def stop_canonical(*, kind: str, object_id: int) -> int:
    canonical = stop_kind(kind).canonical(object_id)
    if canonical is None:
        raise TripError(_("Tempat ini tidak ada atau belum terbit."), status=404)
    return canonical


@transaction.atomic
def stop_save(*, plan: TripPlan, kind: str, object_id: int) -> TripStop:
    """Save a public thing to the plan (on its last day); saving it again changes nothing."""
    object_id = stop_canonical(kind=kind, object_id=object_id)
    existing = plan.stops.filter(kind=kind, object_id=object_id).first()
    if existing is not None:
        return existing
    if plan.stops.count() >= MAX_STOPS:
        raise TripError(_("Rencana sudah berisi %(count)s tempat; hapus satu dulu.") % {"count": MAX_STOPS})
    last = plan.stops.filter(day=plan.day_count).aggregate(last=Max("position"))["last"]
    stop = TripStop.objects.create(plan=plan, kind=kind, object_id=object_id, day=plan.day_count,
                                   position=0 if last is None else last + 1)
    plan.save(update_fields=["updated_at"])
    return stop


@transaction.atomic
def stop_remove(*, plan: TripPlan, kind: str, object_id: int) -> None:
    ids = [object_id]
    canonical = stop_kind(kind).canonical(object_id)
    if canonical is not None:
        ids.append(canonical)
    plan.stops.filter(kind=kind, object_id__in=ids).delete()
    _renumber(plan)


def _stop_of(plan: TripPlan, raw_id) -> TripStop:
    stop = plan.stops.filter(pk=int(raw_id)).first() if ascii_digits(str(raw_id or "")) and len(str(raw_id)) < 19 else None
    if stop is None:
        raise TripError(_("Tempat itu tidak ada di rencana Anda."), status=404)
    return stop


def _day_number(plan: TripPlan, raw) -> int:
    raw = str(raw or "").strip()
    if not ascii_digits(raw) or not 1 <= int(raw) <= plan.day_count:
        raise TripError(_("Pilih hari 1 sampai %(days)s.") % {"days": plan.day_count})
    return int(raw)


def _renumber(plan: TripPlan) -> None:
    """Positions 0, 1, 2 ... within each day, in their current order."""
    changed = []
    counters: dict[int, int] = {}
    for stop in plan.stops.order_by("day", "position", "pk"):
        position = counters.get(stop.day, 0)
        counters[stop.day] = position + 1
        if stop.position != position:
            stop.position = position
            changed.append(stop)
    TripStop.objects.bulk_update(changed, ["position"])


@transaction.atomic
def stop_move(*, plan: TripPlan, stop_id, direction: str = "", day=None) -> TripStop:
    """Move a stop up or down (across into the previous or next day at a day's edge), or to a day."""
    plan = TripPlan.objects.select_for_update().get(pk=plan.pk)
    stop = _stop_of(plan, stop_id)
    if direction not in ("up", "down", ""):
        raise TripError(_("Arah pindah tidak dikenal."))
    if not direction:
        target = _day_number(plan, day)
        if target != stop.day:
            last = plan.stops.filter(day=target).aggregate(last=Max("position"))["last"]
            stop.day, stop.position = target, 0 if last is None else last + 1
            stop.save(update_fields=["day", "position"])
        _renumber(plan)
        return stop
    _renumber(plan)
    stop.refresh_from_db()
    same_day = list(plan.stops.filter(day=stop.day).order_by("position", "pk"))
    index = next(i for i, other in enumerate(same_day) if other.pk == stop.pk)
    neighbour_index = index - 1 if direction == "up" else index + 1
    if 0 <= neighbour_index < len(same_day):
        neighbour = same_day[neighbour_index]
        stop.position, neighbour.position = neighbour.position, stop.position
        TripStop.objects.bulk_update([stop, neighbour], ["position"])
    elif direction == "up" and stop.day > 1:
        last = plan.stops.filter(day=stop.day - 1).aggregate(last=Max("position"))["last"]
        stop.day, stop.position = stop.day - 1, 0 if last is None else last + 1
        stop.save(update_fields=["day", "position"])
    elif direction == "down" and stop.day < plan.day_count:
        plan.stops.filter(day=stop.day + 1).update(position=F("position") + 1)
        stop.day, stop.position = stop.day + 1, 0
        stop.save(update_fields=["day", "position"])
    _renumber(plan)
    return stop


# --- Days -------------------------------------------------------------------------------------

@transaction.atomic
def day_add(*, plan: TripPlan) -> TripPlan:
    if plan.day_count >= MAX_DAYS:
        raise TripError(_("Rencana paling banyak %(days)s hari.") % {"days": MAX_DAYS})
    plan.day_count += 1
    plan.save(update_fields=["day_count", "updated_at"])
    return plan


@transaction.atomic
def day_remove(*, plan: TripPlan, day) -> TripPlan:
    """Remove a day; its stops move to the day before (or after, for day 1)."""
    number = _day_number(plan, day)
    if plan.day_count == 1:
        raise TripError(_("Rencana perlu setidaknya satu hari."))
    into = number - 1 if number > 1 else 1
    for stop in plan.stops.filter(day=number).order_by("position", "pk"):
        stop.day, stop.position = into, 10_000 + stop.position
        stop.save(update_fields=["day", "position"])
    plan.stops.filter(day__gt=number).update(day=F("day") - 1)
    plan.day_count -= 1
    plan.save(update_fields=["day_count", "updated_at"])
    _renumber(plan)
    return plan


def start_date_bounds() -> tuple[date, date]:
    """The earliest and latest first day a plan takes (WITA)."""
    today = timezone.localdate()
    return today - START_DATE_PAST, today + START_DATE_AHEAD


def start_date_set(*, plan: TripPlan, raw: str) -> TripPlan:
    raw = (raw or "").strip()
    if not raw:
        plan.start_date = None
    else:
        try:
            start = date.fromisoformat(raw)
        except ValueError:
            raise TripError(_("Tanggal tidak dikenal; tulis seperti 2026-12-31.")) from None
        earliest, latest = start_date_bounds()
        if not earliest <= start <= latest:
            raise TripError(_("Pilih tanggal antara %(earliest)s dan %(latest)s.")
                            % {"earliest": date_format(earliest, "j F Y"), "latest": date_format(latest, "j F Y")})
        plan.start_date = start
    plan.save(update_fields=["start_date", "updated_at"])
    return plan
