"""Downloaded figures, content-addressed: `<cache>/images/<sha256>.<ext>` and an index by URL.

The file name is the hash of the bytes, so the same image under two URLs is stored
(and published) once, and a name never comes from the URL. `index.json` maps each
source URL to its file; it is rewritten atomically, and an entry whose file is gone
or whose name is not one this module makes is ignored (downloaded again).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from ..cache import CACHE_DIR
from .sniff import TYPES

FOLDER = "images"
INDEX = "index.json"
_NAME = re.compile(rf"^[0-9a-f]{{32}}\.(?:{'|'.join(TYPES)})$")


def store_dir(site_root: Path) -> Path:
    return site_root / CACHE_DIR / FOLDER


def valid_name(name: object) -> bool:
    return isinstance(name, str) and bool(_NAME.match(name))


class ImageStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.index: dict[str, str] = {}
        self.changed = False
        try:
            data = json.loads((root / INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict):
            self.index = {u: n for u, n in data.items() if isinstance(u, str) and valid_name(n)}

    def lookup(self, url: str) -> str | None:
        """The stored file name for this URL, if the file is really there."""
        name = self.index.get(url)
        return name if name is not None and (self.root / name).is_file() else None

    def add(self, url: str, data: bytes, ext: str) -> str:
        name = f"{hashlib.sha256(data).hexdigest()[:32]}.{ext}"
        path = self.root / name
        if not path.is_file():
            self.root.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, data)
        if self.index.get(url) != name:
            self.index[url] = name
            self.changed = True
        return name

    def save(self) -> None:
        if self.changed:
            self.root.mkdir(parents=True, exist_ok=True)
            text = json.dumps(dict(sorted(self.index.items())), indent=1, ensure_ascii=False)
            _atomic_write(self.root / INDEX, text.encode("utf-8"))
            self.changed = False


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
