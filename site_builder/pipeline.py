"""The one-way pipeline: read -> catalog -> render -> write. Commands call this."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, build_catalog
from .config import SiteConfig
from .output.site import write_site
from .readers import input_files, read_file
from .records import Collection, Diagnostic, SummaryRecord
from .render.summaries import render_catalog


@dataclass
class BuildReport:
    files_read: int = 0
    records: int = 0
    summaries: int = 0
    papers: int = 0
    pages: int = 0
    files_written: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    render_warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    catalog: Catalog | None = None

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) + len(self.render_warnings)


def read_inputs(content: Path, report: BuildReport) -> tuple[list[SummaryRecord], list[Collection]]:
    records: list[SummaryRecord] = []
    collections: list[Collection] = []
    if not content.is_dir():
        raise FileNotFoundError(f"content folder not found: {content}")
    for path in input_files(content):
        result = read_file(path, path.relative_to(content).as_posix())
        report.files_read += 1
        records += result.records
        collections += result.collections
        report.diagnostics += result.diagnostics
    return records, collections


def build(content: Path, output: Path, config: SiteConfig, site_root: Path) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    records, collections = read_inputs(content, report)
    report.records = len(records)
    catalog = build_catalog(records, collections, config)
    report.render_warnings = render_catalog(catalog, config, site_root)
    stats = write_site(catalog, config, site_root, output, content)
    report.summaries = len(catalog.summaries)
    report.papers = len(catalog.papers)
    report.pages = stats.pages
    report.files_written = stats.files
    report.catalog = catalog
    report.seconds = time.perf_counter() - started
    return report
