"""Sharing: links that carry where they were shared, and counts of how far they travel.

Every shared link carries `utm_source=<channel>&utm_medium=share&utm_campaign=<campaign>`.
Two things are counted, per page, channel and day (ShareTally), and nothing else:
a click on a share button (a beacon from site/static/js/share.js to `share_beacon`),
and a visit arriving through a shared link (ShareArrivalMiddleware). A visitor who
arrived that way and later opens an artisan's shop page is counted once more, for
the shop; a small signed cookie then holds only the channel and campaign names and
what was arrived at, never who. Arrivals are served from the page cache like any
visit: the counting sits outside it and goes on the task queue.

No IP address, user agent, session or user id is stored. A browser that asks not
to be tracked (`DNT: 1` or `Sec-GPC: 1`) is not counted at all and gets no cookie
from this.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from config import dependencies
from config.client_address import client_key
from config.digits import ascii_digits
from config.page_cache import LANGUAGE_PREFIXES
from config.remembered import remember_read
from config.tasks import retried_task
from config.tracking import SHARE_MEDIUM, share_arrival_in
from config.translations import default_original
from tourism.models import CampaignPage, DestinationPage, EventPage, ShareEvent, ShareTally
from tourism.routing import default_locale, public_pages
from tourism.shareables import shareable_for, shareable_of

logger = logging.getLogger(__name__)

# WhatsApp first: it is how Indonesia shares. "copy" is the copy-link button,
# "native" the phone's own share sheet (Web Share API).
CHANNELS = ("whatsapp", "facebook", "x", "telegram", "copy", "native")
CHANNEL_NAMES = {"whatsapp": "WhatsApp", "facebook": "Facebook", "x": "X", "telegram": "Telegram",
                 "copy": _("Salin tautan"), "native": _("Bagikan lewat ponsel")}
# utm_campaign when no campaign is running: shares still add up under one name.
DEFAULT_CAMPAIGN = "gebrak"
# The tag (config/dependencies.py) of "which campaign runs": every page's share links show it.
CAMPAIGNS = "campaigns"
CAMPAIGN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
# Salt of the arrival cookie's signature (settings.SHARE_ARRIVAL_COOKIE_NAME), and how many arrivals it
# remembers (a reload of any of them is not counted again).
ARRIVAL_SALT = "tourism.sharing.arrival"
ARRIVALS_NOTED = 20
# The response header (never sent out) that names what a page's visits count for.
TARGET_HEADER = "X-Gebrak-Share-Target"
# A visit to a page of this kind after an arrival is a shop visit.
SHOP_KIND = "shop"
PAGE_TYPES = {DestinationPage: "destination", EventPage: "event", CampaignPage: "campaign"}
TARGET_TYPES = ("destination", "event", "campaign", "page", "product", "shop")


@dataclass(frozen=True)
class CountedKind:
    """Something shared that is counted but has no share image nor meta tags of its own (a visitor's
    trip plan): registered by its app in AppConfig.ready() (tourism/trips/apps.py)."""

    kind: str
    exists: Callable  # (pk) -> bool: it is there to be shared
    titles: Callable  # (pks) -> {pk: title} for the editors' dashboard


COUNTED_KINDS: dict[str, CountedKind] = {}


def counted_kind_register(counted: CountedKind) -> None:
    COUNTED_KINDS.setdefault(counted.kind, counted)


# --- Privacy ------------------------------------------------------------------------------

def tracking_refused(request) -> bool:
    """The browser asked not to be tracked (Do Not Track or Global Privacy Control)."""
    return request.headers.get("DNT", "").strip() == "1" or request.headers.get("Sec-GPC", "").strip() == "1"


def rate_limit_exceeded(*, request, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one more request from this address in the current window; True once over `limit`.

    Kept in the cache only (no new service, nothing in the database); the address (the
    real visitor's behind proxies: config.client_address) is hashed with the secret key
    so not even the cache holds it.
    """
    window = int(timezone.now().timestamp()) // window_seconds
    key = f"gebrak:rate:{scope}:{client_key(request)}:{window}"
    cache.add(key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds + 5)
        count = 1
    return count > limit


# --- What is being shared -----------------------------------------------------------------

@dataclass(frozen=True)
class ShareTarget:
    type: str
    id: int

    @property
    def token(self) -> str:
        return f"{self.type}:{self.id}"


def share_target(obj) -> ShareTarget | None:
    """The counting key of a page, product or shop; pages count under their Indonesian original."""
    shareable = shareable_for(obj)
    if shareable is not None:
        return ShareTarget(shareable.kind, obj.pk)
    if isinstance(obj, Page):
        specific_class = obj.specific_class or type(obj)
        target_type = PAGE_TYPES.get(specific_class, "page")
        original = default_original(obj)  # None for the original itself
        return ShareTarget(target_type, original.pk if original else obj.pk)
    return None


def share_target_parse(token: str) -> ShareTarget | None:
    """'destination:12' -> ShareTarget, only for things that exist and the public can see."""
    kind, _sep, raw_id = (token or "").partition(":")
    if (kind not in TARGET_TYPES and kind not in COUNTED_KINDS) or not ascii_digits(raw_id) or len(raw_id) > 18:
        return None
    pk = int(raw_id)
    shareable = shareable_of(kind=kind)
    if kind in COUNTED_KINDS:
        exists = COUNTED_KINDS[kind].exists(pk)
    elif shareable is not None:
        exists = shareable.public().filter(pk=pk).exists()
    else:
        model = {v: k for k, v in PAGE_TYPES.items()}.get(kind, Page)
        exists = public_pages(model.objects.live()).filter(pk=pk).exists()
    return ShareTarget(kind, pk) if exists else None


def campaign_for_sharing(*, request, obj=None) -> tuple[str, str]:
    """(utm_campaign, hashtag) for links shared from this page: the campaign page's own, else
    the campaign running today, else the site's default. Looked up once per request."""
    if isinstance(obj, CampaignPage):
        return obj.slug, obj.hashtag_text
    cached = getattr(request, "_gebrak_share_campaign", None)
    if cached is None:
        read = getattr(request, "gebrak_running_campaign", None)
        if read is not None:  # the page reads it anyway (campaign_read_by_page): once for both
            campaign = read()
            running = (campaign.slug, campaign.hashtag) if campaign is not None else None
        else:
            today = timezone.localdate()

            def read():
                show_campaign_changes()
                return (public_pages(CampaignPage.objects.live()).filter(locale_id=default_locale()[0],
                                                                    start__lte=today, end__gte=today)
                        .order_by("-start", "-pk").values_list("slug", "hashtag").first())

            running = remember_read(("campaign-for-sharing", today), read)
        if running:
            cached = (running[0], f"#{running[1].lstrip('#')}" if running[1] else "")
        else:
            cached = (DEFAULT_CAMPAIGN, "#GebrakBanjar")
        if request is not None:
            request._gebrak_share_campaign = cached
    return cached


def show_campaign_changes() -> None:
    """Record that what is being read shows which campaign runs today: any campaign published,
    unpublished or deleted makes it stale (tourism.signals), not only a change of the one found."""
    dependencies.shown(CAMPAIGNS)


def campaign_read_by_page(request, read: Callable[[], CampaignPage | None]) -> None:
    """A page that shows the campaign running today anyway (the home page's banner) hands over
    `read`, which reads it in the default language, once: its share links then ask nothing more.

    `read` must answer what campaign_for_sharing's own query would: the default locale's live,
    public campaign running today, newest start first (tourism.campaigns.campaign_running_in_default_language).
    """
    if request is not None:
        request.gebrak_running_campaign = read


def campaign_is_known(slug: str) -> bool:
    return slug == DEFAULT_CAMPAIGN or CampaignPage.objects.filter(slug=slug).exists()


# --- Links --------------------------------------------------------------------------------

def tagged_url(url: str, *, channel: str, campaign: str) -> str:
    """The URL with the UTM parameters that name channel and campaign."""
    separator = "&" if "?" in url else "?"
    return url + separator + urlencode({"utm_source": channel, "utm_medium": SHARE_MEDIUM, "utm_campaign": campaign})


@dataclass
class ShareLink:
    channel: str
    name: str
    href: str
    url: str


def share_links(*, url: str, title: str, campaign: str, hashtag: str = "") -> list[ShareLink]:
    """Links for each channel, WhatsApp first; copy and native carry their own tagged URL."""
    text = f"{title} {hashtag}".strip()
    links = []
    for channel in CHANNELS:
        shared = tagged_url(url, channel=channel, campaign=campaign)
        q_url, q_text = quote(shared, safe=""), quote(text, safe="")
        href = {
            "whatsapp": f"https://wa.me/?text={q_text}%20{q_url}",
            "facebook": f"https://www.facebook.com/sharer/sharer.php?u={q_url}",
            "x": f"https://x.com/intent/post?url={q_url}&text={q_text}",
            "telegram": f"https://t.me/share/url?url={q_url}&text={q_text}",
        }.get(channel, shared)
        links.append(ShareLink(channel=channel, name=str(CHANNEL_NAMES[channel]), href=href, url=shared))
    return links


# --- Counting -----------------------------------------------------------------------------

def share_count(*, event: str, channel: str, target: ShareTarget, campaign: str = "", day=None) -> None:
    """Add one to the day's tally for (event, channel, target, campaign); safe under concurrency."""
    key = {"day": day or timezone.localdate(), "event": event, "channel": channel,
           "target_type": target.type, "target_id": target.id, "campaign": campaign}
    if ShareTally.objects.filter(**key).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ShareTally.objects.create(count=1, **key)
    except IntegrityError:
        # Another request created the row first.
        ShareTally.objects.filter(**key).update(count=F("count") + 1)


@retried_task(attempts=3, first_delay_seconds=10)
def share_arrival_count(*, event: str, channel: str, target: str, campaign: str, day: str) -> None:
    """The task that counts a visit through a shared link, or the shop visit after one (queued by
    ShareArrivalMiddleware: the visitor does not wait for it, nor for the campaign's check)."""
    kind, _sep, pk = target.partition(":")
    if campaign and not campaign_is_known(campaign):
        campaign = ""
    share_count(event=event, channel=channel, target=ShareTarget(kind, int(pk)), campaign=campaign,
                day=date.fromisoformat(day))


def _target_of_response(request, response) -> ShareTarget | None:
    # A view of something counted that is no page nor shareable names it on its response.
    named = getattr(response, "share_target", None)
    if isinstance(named, ShareTarget):
        return named
    page = (getattr(response, "context_data", None) or {}).get("page")
    if isinstance(page, Page):
        return share_target(page)
    match = getattr(request, "resolver_match", None)
    shareable = shareable_of(view_name=match.view_name) if match is not None else None
    if shareable is None:
        return None
    pk = shareable.model.objects.filter(slug=match.kwargs.get("slug", "")).values_list("pk", flat=True).first()
    return ShareTarget(shareable.kind, pk) if pk else None


def _target_named(token: str) -> ShareTarget | None:
    kind, _sep, raw_id = (token or "").partition(":")
    if not kind or not ascii_digits(raw_id) or len(raw_id) > 18:
        return None
    return ShareTarget(kind, int(raw_id))


class ShareTargetMiddleware:
    """Names on a page's response (the TARGET_HEADER) what a visit to it counts for: a page, a product,
    a shop, a shared plan. Inside the page cache, so a stored page keeps it and a visit served from
    the cache is counted as one rendered (ShareArrivalMiddleware, outside, reads it and takes it off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "GET" or response.status_code != 200 or response.streaming:
            return response
        if not (request.path.startswith(LANGUAGE_PREFIXES) or getattr(request, "share_arrival", None)
                or settings.SHARE_ARRIVAL_COOKIE_NAME in request.COOKIES):
            return response  # the admin, the API: nothing a visit through a shared link lands on
        try:
            target = _target_of_response(request, response)
        except Exception:  # noqa: BLE001 - counting must never break a page
            logger.exception("share target not found")
            return response
        if target is not None:
            response[TARGET_HEADER] = target.token
        return response


def arrival_noted(value: str) -> dict | None:
    """What a browser's arrival cookie notes: {channel, campaign, arrived: ["<channel> <target>", ...],
    shop}; None when there is none, or it is not one we signed, or it is older than a session lasts."""
    if not value:
        return None
    try:
        noted = signing.loads(value, salt=ARRIVAL_SALT, max_age=settings.SESSION_COOKIE_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(noted, dict) or not isinstance(noted.get("arrived"), list):
        return None
    return noted


def _arrival_note(response, noted: dict) -> None:
    """Note the arrival in the browser (signed, so nobody counts shop visits they did not make)."""
    response.set_cookie(settings.SHARE_ARRIVAL_COOKIE_NAME,
                        signing.dumps(noted, salt=ARRIVAL_SALT, compress=True),
                        max_age=settings.SESSION_COOKIE_AGE, secure=settings.SESSION_COOKIE_SECURE,
                        httponly=True, samesite="Lax")
    # A response that sets a browser's cookie is that browser's: no CDN keeps it for others.
    patch_cache_control(response, private=True)


def _arrival_of(request) -> tuple[str, str] | None:
    """(channel, campaign) of an arrival through a shared link (config.tracking put its query aside);
    a campaign that cannot be one is counted under none ("")."""
    arrival = getattr(request, "share_arrival", None)
    if not arrival:
        return None
    channel = arrival.get("utm_source", "")
    if channel not in CHANNELS:
        return None
    campaign = arrival.get("utm_campaign", "")
    return channel, (campaign if CAMPAIGN_PATTERN.match(campaign) else "")


def _count(*, event: str, channel: str, target: ShareTarget, campaign: str) -> None:
    # Outside any transaction (a middleware, no ATOMIC_REQUESTS): queued at once.
    share_arrival_count.enqueue(event=event, channel=channel, target=target.token, campaign=campaign,
                                day=timezone.localdate().isoformat())


def _arrival_carried_on(request, response) -> None:
    """A redirect of an arrival within the site (the slash Django's CommonMiddleware adds, an editor's
    redirect of a moved page) carries the arrival's three parameters on to where it leads: config.tracking
    took them out of the query the redirect was built from, and the page it leads to is where the
    visit is counted (a 3xx is not)."""
    parts = urlsplit(response.get("Location", ""))
    if parts.netloc and parts.netloc != request.get_host():
        return  # another site's address: nothing of ours to count there
    if share_arrival_in(parts.query):
        return
    arrival = urlencode(request.share_arrival)
    response["Location"] = urlunsplit(parts._replace(query=f"{parts.query}&{arrival}" if parts.query else arrival))


class ShareArrivalMiddleware:
    """Count visits that arrive through a shared link, and those that go on to a shop.

    Between config.tracking's middleware (which puts the arrival's query aside) and the page cache:
    an arrival is served the page stored for its plain address, and counted from what the page's
    response names (ShareTargetMiddleware). A visitor is counted once per shared thing and channel (a
    reload is no new visit), noted in a small signed cookie, not a session: no database read, and
    the counting itself is a task on the queue. Nothing about who the visitor is is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        named = response.get(TARGET_HEADER)
        if named is not None:
            del response[TARGET_HEADER]
        if getattr(request, "share_arrival", None):
            # Never from or into a shared cache (a CDN): each arrival must reach us.
            patch_cache_control(response, private=True)
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                _arrival_carried_on(request, response)
        if request.method != "GET" or response.status_code != 200 or not named or tracking_refused(request):
            return response
        try:
            self._record(request, response, named)
        except Exception:  # noqa: BLE001 - counting must never break a page
            logger.exception("share counting failed")
        return response

    def _record(self, request, response, named: str):
        target = _target_named(named)
        if target is None:
            return
        arrival = _arrival_of(request)
        noted = arrival_noted(request.COOKIES.get(settings.SHARE_ARRIVAL_COOKIE_NAME, ""))
        on_shop = target.type == SHOP_KIND
        if arrival is not None:
            channel, campaign = arrival
            seen = f"{channel} {target.token}"
            arrived = [str(entry) for entry in noted["arrived"]] if noted else []
            if seen in arrived:
                return  # a reload of the same shared link is one visit, not several
            _count(event=ShareEvent.VISIT.value, channel=channel, target=target, campaign=campaign)
            _arrival_note(response, {"channel": channel, "campaign": campaign,
                                     "arrived": [*arrived, seen][-ARRIVALS_NOTED:], "shop": on_shop})
            return
        if noted is None or noted.get("shop") or not on_shop:
            return
        _count(event=ShareEvent.SHOP_VISIT.value, channel=str(noted.get("channel", "")), target=target,
               campaign=str(noted.get("campaign", "")))
        _arrival_note(response, {**noted, "shop": True})
