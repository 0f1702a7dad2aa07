"""policydocs: publish legal policies kept as Markdown in git, every revision a citable,
dated version with a redline, and feeds of every change. See ARCHITECTURE.md for the map
of this package."""

#: The one place the version is written (pyproject.toml reads it from here).
__version__ = "0.1.0"
