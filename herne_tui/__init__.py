"""herne-tui: track a council coalition agreement, measure by measure, in the terminal."""

__version__ = "0.1.0"
