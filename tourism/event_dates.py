"""An event's start and end in the admin: on a translation they are the Indonesian original's.

When an event starts and ends is the event's, not a language's: its translations take the Indonesian
original's at every publish (tourism.translations.event_dates_follow_original), as a place's point is the
original's (tourism.nearby). So a translation's edit form shows them read-only, saying where they change.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel

from config.translations import default_original

EVENT_DATE_FIELDS = ("start", "end")

EVENT_DATES_FOLLOW_HELP = _("Tanggal acara mengikuti halaman bahasa Indonesia: ubah di sana, lalu terbitkan; "
                            "terjemahan ini ikut berubah. Waktu Indonesia Tengah (WITA).")


class EventPageForm(WagtailAdminPageForm):
    """On a translation, start and end are the Indonesian original's (tourism.translations): disabled, so
    what a browser sends for them is ignored and the page keeps its own; EventDateFieldPanel shows them
    read-only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if event_dates_follow(self.instance):
            for name in EVENT_DATE_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = EVENT_DATES_FOLLOW_HELP


class EventDateFieldPanel(FieldPanel):
    """An event's date, shown read-only (Wagtail's own read-only output) where the form disabled it."""

    class BoundPanel(FieldPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if self.bound_field is not None and self.bound_field.field.disabled:
                self.read_only = True

        def is_required(self):
            return False if self.read_only else super().is_required()

        @property
        def comments_enabled(self):
            # Wagtail's comment button needs the field's input, which a read-only field has not.
            return False if self.read_only else super().comments_enabled


def event_dates_follow(page) -> bool:
    """Whether this event's start and end are its Indonesian original's (translations.event_dates_follow_original
    writes them at every publish): a translation whose original exists, live or not yet. The admin shows
    them read-only there. An event made in another language without an original keeps its own."""
    if page.locale_id is None:
        return False
    return default_original(page) is not None
