"""The files a test's code writes to the media storage, each noted as written inside a database
transaction or outside one (issue 12: no network call inside a transaction; with the media in a
bucket a write is one). For committing tests (`django_db(transaction=True)`): in the others every
write is inside the test's own transaction."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StorageWrites:
    outside: list[str] = field(default_factory=list)
    inside: list[str] = field(default_factory=list)


def storage_writes_recorded(monkeypatch) -> StorageWrites:
    from django.core.files.storage import storages
    from django.db import connection

    storage_class = type(storages["default"])
    writes = StorageWrites()
    original = storage_class.save

    def recorded(self, name, *args, **kwargs):
        (writes.inside if connection.in_atomic_block else writes.outside).append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(storage_class, "save", recorded)
    return writes
