"""The synonym table queries are expanded with: search/synonyms.txt plus the
rules editors add as snippets (SearchSynonym). Editors' rules take effect within
SYNONYMS_TTL seconds in every worker (at once in the worker that saved them)."""

from __future__ import annotations

import logging
import time

from django.db import DatabaseError

from search.analysis import SynonymTable, file_synonyms, parse_synonym_line

logger = logging.getLogger(__name__)
SYNONYMS_TTL = 30.0
_cache: dict = {"table": None, "loaded_at": 0.0}


def editor_rules() -> list:
    from search.models import SearchSynonym

    rules = []
    try:
        texts = list(SearchSynonym.objects.values_list("rule", flat=True))
    except DatabaseError:  # before migrations, or the database is away: the file still applies
        logger.warning("could not read editors' synonyms", exc_info=True)
        return rules
    for text in texts:
        try:
            rule = parse_synonym_line(text)
        except ValueError:
            logger.warning("ignoring a malformed synonym rule %r", text)
            continue
        if rule is not None:
            rules.append(rule)
    return rules


def synonym_table() -> SynonymTable:
    now = time.monotonic()
    table = _cache["table"]
    if table is None or now - _cache["loaded_at"] > SYNONYMS_TTL:
        table = SynonymTable(list(file_synonyms()) + editor_rules())
        _cache.update(table=table, loaded_at=now)
    return table


def forget_synonyms(**kwargs) -> None:
    """Signal receiver: an editor changed a rule."""
    _cache["table"] = None
