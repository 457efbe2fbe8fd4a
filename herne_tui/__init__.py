"""herne-tui: track a council coalition agreement, measure by measure, in the terminal."""

__version__ = "0.1.0"

SCHEMA_VERSION = 3
"""The database schema this code writes and understands (see ``herne_tui.db.schema``)."""
