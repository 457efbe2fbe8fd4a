"""The ``herne-tui`` command line: ``main`` parses and dispatches, one module per command group.

Building the parser and ``--help``/``--version`` must stay fast, so the modules here import only
the standard library and each other at module level; everything heavier (SQLAlchemy, SQLModel,
pydantic, Textual and the herne_tui layers that pull them in) is imported inside the handlers.
"""
