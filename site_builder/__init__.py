"""site_builder: a static site generator for research-paper summaries."""

__version__ = "0.1.0"
