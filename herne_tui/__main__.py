"""``python -m herne_tui`` runs the command line."""

import sys

from herne_tui.cli.main import main

sys.exit(main())
