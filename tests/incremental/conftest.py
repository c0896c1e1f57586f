from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import CONTENT


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the sample site's content in a fresh site root."""
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path
