"""The hint for a missing PostgreSQL driver names installs that exist (issue 12, item 14)."""

import pytest

from herne_tui.db.store import Database
from herne_tui.errors import HerneError


def test_missing_driver_hint_names_psycopg_not_a_registry_herne_tui() -> None:
    with pytest.raises(HerneError) as info:
        Database("postgresql+nosuchdriver://herne@127.0.0.1/herne")
    message = str(info.value)
    assert "PostgreSQL-Treiber fehlt" in message
    assert "pip install 'psycopg[binary]'" in message
    assert "pip install 'herne-tui[postgres]'" not in message
    assert "\n" not in message
