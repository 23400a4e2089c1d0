"""English keeps up with Indonesian: which pages lack or lag their English, and the copy to translate.

Indonesian is the source of every page and English a translation made as a copy
(`wagtail.contrib.simple_translation`'s way, docs/decisions.md). Editors see on their
dashboard what has no English yet and what changed in Indonesian after its English was
published; one action creates the English copy, or refreshes the English draft with what
changed, so a translator only has to translate and publish it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, Q
from modelcluster.models import get_all_child_relations
from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.fields import StreamField
from wagtail.log_actions import log
from wagtail.models import Locale, Page, PageLogEntry

from tourism.event_dates import EVENT_DATE_FIELDS

REFRESH_ACTION = "gebrak.english_copy_refresh"
DATES_ACTION = "gebrak.event_dates_follow"
# Page fields a translation carries besides the page type's own; the slug stays the same
# in both languages (switching language is a prefix swap).
PAGE_FIELDS = ("title", "slug", "seo_title", "search_description")
# When the English last took the Indonesian in: its publication, its copy, a refresh.
SYNC_ACTIONS = ("wagtail.publish", "wagtail.copy_for_translation", REFRESH_ACTION)


@dataclass(frozen=True)
class TranslationGap:
    page: Page  # the Indonesian page
    english: Page | None  # its English translation, if there is one


@dataclass(frozen=True)
class TranslationBacklog:
    missing: list[TranslationGap]  # no English at all (or only an alias of the Indonesian)
    outdated: list[TranslationGap]  # Indonesian published after the English (or English never published)
    missing_count: int
    outdated_count: int


def english_locale() -> Locale | None:
    return Locale.objects.filter(language_code="en").first()


def english_translation_backlog(*, limit: int = 10) -> TranslationBacklog:
    """Live Indonesian pages whose English is missing or older, newest Indonesian first."""
    english = english_locale()
    indonesian = Page.objects.filter(locale=Locale.get_default(), depth__gt=1, live=True).order_by(
        "-last_published_at", "pk")
    if english is None:
        pages = list(indonesian)
        return TranslationBacklog([TranslationGap(page, None) for page in pages[:limit]], [], len(pages), 0)
    translations = {page.translation_key: page for page in Page.objects.filter(locale=english)}
    missing, outdated = [], []
    for page in indonesian:
        translation = translations.get(page.translation_key)
        if translation is None or translation.alias_of_id:
            missing.append(TranslationGap(page, translation))
        elif not translation.last_published_at or (
                page.last_published_at and page.last_published_at > translation.last_published_at):
            outdated.append(TranslationGap(page, translation))
    return TranslationBacklog(missing[:limit], outdated[:limit], len(missing), len(outdated))


def _content_fields(model) -> list:
    """The fields a translator works on: the page's own editable fields and the page type's."""
    excluded = set(model.default_exclude_fields_in_copy) | set(model.exclude_fields_in_copy)
    fields = [model._meta.get_field(name) for name in PAGE_FIELDS]
    fields += [field for field in model._meta.concrete_fields
               if field.model is not Page and not field.primary_key and field.editable
               and not field.one_to_one and field.name not in excluded]
    return fields


# The admin's rich text editor gives every paragraph a key of its own (`data-block-key`), which an
# imported page's text has not: the first save in the admin changed no word, and the English refresh
# took it for a changed body and wrote the Indonesian over the translated one. Keys, and a stream's
# block ids, are left out of the comparison: neither is something a translator translates.
BLOCK_KEY = re.compile(r' data-block-key="[^"]*"')


def _field_value(instance, field):
    value = field.get_prep_value(field.value_from_object(instance))
    return _without_keys(value, block_ids=isinstance(field, StreamField))


def _without_keys(value, *, block_ids: bool):
    if isinstance(value, str):
        return BLOCK_KEY.sub("", value)
    if isinstance(value, list):
        return [_without_keys(item, block_ids=block_ids) for item in value]
    if isinstance(value, dict):
        return {key: _without_keys(item, block_ids=block_ids) for key, item in value.items()
                if not (block_ids and key == "id")}
    return value


def _children(instance, relation) -> list[dict]:
    """A child relation's items as data, without what differs between copies (pk, parent), in an order
    of their own: tags come back in any order (an orderable's position is one of its values)."""
    parent_key = relation.field.attname
    items = [{field.attname: getattr(child, field.attname) for field in child._meta.concrete_fields
              if not field.primary_key and field.attname != parent_key}
             for child in getattr(instance, relation.get_accessor_name()).all()]
    return sorted(items, key=repr)


def _indonesian_at(page: Page, moment):
    """The Indonesian content as it was live at `moment` (None: nothing known that early)."""
    if moment is None:
        return None
    entry = (PageLogEntry.objects.filter(page=page, action="wagtail.publish", timestamp__lte=moment,
                                         revision__isnull=False).order_by("-timestamp", "-pk").first())
    revision = entry.revision if entry else page.revisions.filter(created_at__lte=moment).order_by(
        "-created_at", "-pk").first()
    return revision.as_object() if revision else None


def english_synced_at(english: Page):
    """When the English last took the Indonesian in (None: never, as far as the log knows)."""
    logged = PageLogEntry.objects.filter(page=english, action__in=SYNC_ACTIONS).aggregate(at=Max("timestamp"))["at"]
    moments = [moment for moment in (logged, english.last_published_at) if moment]
    return max(moments) if moments else None


@dataclass(frozen=True)
class EnglishCopy:
    page: Page  # the English page, specific
    created: bool
    changed_labels: list[str]  # what now holds Indonesian to translate (empty: nothing changed)


@transaction.atomic
def english_copy_for_translation(*, page: Page, user) -> EnglishCopy:
    """Create the English copy of an Indonesian page (a draft holding the Indonesian), or
    refresh the English draft: the fields and lists that changed in Indonesian since the
    English last took it in get the new Indonesian, to be translated; the rest keeps its
    English. The live English page is untouched until someone publishes the draft."""
    page = page.specific
    english = english_locale()
    translation = page.get_translation_or_none(english)
    if translation is not None and translation.alias_of_id:
        # An alias shows the Indonesian in the English tree; as an ordinary page it is the copy.
        ConvertAliasPageAction(translation, user=user).execute(skip_permission_checks=True)
        return EnglishCopy(translation.specific, True, [])
    if translation is None:
        copy = page.copy_for_translation(english, copy_parents=True)
        return EnglishCopy(copy.specific, True, [])

    model = type(page)
    draft = translation.specific.get_latest_revision_as_object()
    before = _indonesian_at(page, english_synced_at(translation))
    changed = []
    for field in _content_fields(model):
        now = _field_value(page, field)
        if before is None or _field_value(before, field) != now:
            if _field_value(draft, field) != now:
                setattr(draft, field.attname, field.value_from_object(page))
                changed.append(str(field.verbose_name))
    for relation in get_all_child_relations(model):
        now = _children(page, relation)
        if (before is None or _children(before, relation) != now) and _children(draft, relation) != now:
            page.copy_child_relation(relation.get_accessor_name(), draft)
            changed.append(str(relation.related_model._meta.verbose_name_plural))
    if changed:
        draft.save_revision(user=user, log_action=True)
        log(instance=translation, action=REFRESH_ACTION, user=user, data={"fields": changed})
    return EnglishCopy(translation.specific, False, changed)


def event_dates_follow_original(*, page_id: int) -> list[int]:
    """After an event (the Indonesian original or a translation) is published: its translations take the
    live original's start and end. Their page row (what visitors see: the page, the listings, the calendar
    file, JSON-LD, the share image) and their live and later revisions (what the admin's editor opens, what
    a translator's later publish would put back; older revisions stay history) are written, and a line in
    their history says so. Text is left to the translator (the English backlog still lists the page). An
    English event published with other dates gets the Indonesian ones back. Returns the translations changed."""
    from tourism.models import EventPage

    key = EventPage.objects.filter(pk=page_id).values_list("translation_key", flat=True).first()
    original = (EventPage.objects.live().filter(translation_key=key, locale=Locale.get_default()).first()
                if key else None)
    if original is None:  # a translation whose original is gone or not live: nothing to follow
        return []
    values = {name: getattr(original, name) for name in EVENT_DATE_FIELDS}
    stored = json.loads(json.dumps(values, cls=DjangoJSONEncoder))  # as a revision holds them
    changed = []
    with transaction.atomic():
        for translation in EventPage.objects.filter(translation_key=key).exclude(pk=original.pk):
            written = False
            first = translation.live_revision_id or translation.latest_revision_id or 0
            for revision in translation.revisions.filter(Q(pk__gte=first) | Q(approved_go_live_at__isnull=False)):
                if any(revision.content.get(name) != value for name, value in stored.items()):
                    revision.content.update(stored)
                    revision.save(update_fields=["content"])
                    written = True
            row = [name for name, value in values.items() if getattr(translation, name) != value]
            if row:
                for name in row:
                    setattr(translation, name, values[name])
                translation.save(update_fields=row, clean=False)
                written = True
            if written:
                log(instance=translation, action=DATES_ACTION, data={"from_page": original.pk, **stored})
                changed.append(translation.pk)
    return changed
