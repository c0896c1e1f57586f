"""The difference between the built site and what is deployed, as relative paths."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Changes:
    """What a deploy changed in its target."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        """`+ new`, `~ changed`, `- removed`, sorted by path."""
        marked = [(p, "+") for p in self.added] + [(p, "~") for p in self.changed] + [(p, "-") for p in self.removed]
        return [f"{mark} {path}" for path, mark in sorted(marked)]

    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, {len(self.unchanged)} unchanged"


def compare(new: dict[str, object], old: dict[str, object]) -> Changes:
    """Compare two path -> fingerprint maps (bytes, hashes: anything comparable)."""
    result = Changes()
    for path in sorted(new):
        if path not in old:
            result.added.append(path)
        elif new[path] != old[path]:
            result.changed.append(path)
        else:
            result.unchanged.append(path)
    result.removed = sorted(set(old) - set(new))
    return result


def site_files(root: Path) -> dict[str, Path]:
    """Relative POSIX path -> file, for every file below `root` (sorted)."""
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}
