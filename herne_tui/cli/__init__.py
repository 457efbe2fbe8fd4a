"""The ``herne-tui`` command line: ``main`` parses and dispatches, one module per command group.

Building the parser and ``--help``/``--version`` must stay fast, so the modules here import at
module level only the standard library, each other and the ORM-free pieces (``errors``,
``domain``); everything heavier (SQLAlchemy, pydantic, Textual and the herne_tui
layers that pull them in) is imported inside the handlers. ``tests/test_layers.py`` checks it.
"""
