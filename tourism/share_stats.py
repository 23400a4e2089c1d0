"""Reads for the editors' sharing dashboard: a handful of aggregate queries, whatever the volume."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from wagtail.models import Page

from tourism.models import CampaignPage, ShareEvent, ShareTally
from tourism.shareables import SHAREABLES
from tourism.sharing import CHANNEL_NAMES, COUNTED_KINDS

PERIODS = (7, 30, 90, 365)


def _titles(keys) -> dict:
    """{(type, id): title} for the targets named, one query per kind."""
    wanted: dict = {}
    for target_type, target_id in keys:
        wanted.setdefault(target_type, set()).add(target_id)
    titles = {}
    others = {shareable.kind: shareable for shareable in SHAREABLES}
    for kind, counted in COUNTED_KINDS.items():
        for pk, title in counted.titles(wanted.get(kind, ())).items():
            titles[(kind, pk)] = title
    page_ids = set().union(*(ids for kind, ids in wanted.items() if kind not in others and kind not in COUNTED_KINDS))
    for pk, title in Page.objects.filter(pk__in=page_ids).values_list("pk", "title"):
        for kind in wanted:
            if pk in wanted[kind]:
                titles[(kind, pk)] = title
    for kind, shareable in others.items():
        for pk, title in (shareable.model.objects.filter(pk__in=wanted.get(kind, ()))
                          .values_list("pk", shareable.title_field)):
            titles[(kind, pk)] = title
    return titles


def _sums():
    return {"clicks": Sum("count", filter=Q(event=ShareEvent.CLICK)),
            "visits": Sum("count", filter=Q(event=ShareEvent.VISIT)),
            "shop_visits": Sum("count", filter=Q(event=ShareEvent.SHOP_VISIT))}


def share_dashboard(*, days: int = 30, today=None) -> dict:
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    tallies = ShareTally.objects.filter(day__gte=since, day__lte=today)

    top = list(tallies.exclude(event=ShareEvent.SHOP_VISIT).values("target_type", "target_id")
               .annotate(**_sums()).order_by("-clicks", "-visits")[:20])
    channels = list(tallies.values("channel").annotate(**_sums()).order_by("-clicks", "-visits"))
    campaigns = list(tallies.values("campaign").annotate(**_sums()).order_by("-clicks", "-visits"))
    shops = list(tallies.filter(event=ShareEvent.SHOP_VISIT).values("target_type", "target_id", "channel")
                 .annotate(**_sums()).order_by("-shop_visits")[:20])
    totals = tallies.aggregate(**_sums())

    titles = _titles([(row["target_type"], row["target_id"]) for row in top + shops])
    campaign_titles = dict(CampaignPage.objects.filter(slug__in=[row["campaign"] for row in campaigns])
                           .order_by("slug", "-locale_id").values_list("slug", "title"))
    for row in top + shops:
        row["title"] = titles.get((row["target_type"], row["target_id"]), f"#{row['target_id']}")
    for row in channels + shops:
        row["channel_name"] = str(CHANNEL_NAMES.get(row["channel"], row["channel"]))
    for row in campaigns:
        row["title"] = campaign_titles.get(row["campaign"], "")
    return {"days": days, "since": since, "today": today, "top_pages": top, "channels": channels,
            "campaigns": campaigns, "shop_visits": shops,
            "totals": {key: value or 0 for key, value in totals.items()}}
