"""Values that become folder names in the site (summary ids, collection keys), made safe.

A value that is not already one plain path segment (`../x`, `..`, a 300-character
id, spaces, control characters) is slugged, with one warning naming the file.
Ids keep a hash of the original (two different ids never become one summary);
collection keys are slugged like taxonomy names (catalog/slugs.py).
"""
from __future__ import annotations

from ..catalog.slugs import is_safe_segment, safe_key, unique_slug
from ..records import Diagnostic, ReadResult

_MAKERS = {"id": safe_key, "collection": unique_slug}


def path_value(what: str, value: str, name: str, line: int | None, result: ReadResult) -> str:
    """`value` if it is safe as one folder name, else its slug (and a warning in `result`)."""
    if is_safe_segment(value):
        return value
    safe = _MAKERS[what](value)
    shown = repr(value if len(value) <= 60 else value[:60] + "…")
    result.diagnostics.append(Diagnostic(
        name, f"{what} {shown} cannot be a folder name in the site ('/', '..', spaces, control characters "
              f"or over 100 characters); using '{safe}'", line=line))
    return safe


def contain_paths(result: ReadResult, name: str) -> None:
    """Every record's id and collection, and every collection key, safe as folder names (any reader)."""
    for record in result.records:
        record.id = path_value("id", record.id, name, None, result)
        if record.collection:
            record.collection = path_value("collection", record.collection, name, None, result)
    for collection in result.collections:
        collection.key = path_value("collection", collection.key, name, None, result)
