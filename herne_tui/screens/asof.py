"""The board as it was at the end of a past day, rebuilt from the history; read-only."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from herne_tui.domain.objects import format_date
from herne_tui.screens.base import HerneScreen
from herne_tui.screens.board import BoardScreen
from herne_tui.services import history
from herne_tui.widgets.shown import markup


class AsOfBoardScreen(BoardScreen, inherit_bindings=False):
    """The board on a given day. Nothing can be changed here; esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            b
            for b in BoardScreen.BINDINGS
            if isinstance(b, Binding)
            and b.action not in ("move_card(-1)", "move_card(1)", "undo", "clear_filter")
        ),
        Binding("escape", "back", "Zurück", id="asof.back"),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day

    def on_mount(self) -> None:
        super().on_mount()
        self.title = f"Board am {format_date(self.day)} (nur lesen)"

    @work(thread=True, exclusive=True, group="load")
    def reload(self) -> None:
        """Rebuild the board from the history up to the end of the day."""
        snapshot = history.state_as_of(self.herne.db, self.day)
        self.post_message(self.Loaded(snapshot.board, self.day))

    def action_open_measure(self) -> None:
        """Show the measure as it was (the text never changes; the state is on the card)."""
        measure = self.focused_measure()
        if measure is not None:
            self.notify(
                f"{measure.id}: {markup(measure.title, one_line=True)} – Stand am "
                f"{format_date(self.day)}"
            )

    def action_move_card(self, delta: int) -> None:
        """Nothing moves in the past."""
        self.notify("Stichtag-Ansicht: nur lesen.", severity="warning")

    def action_undo(self) -> None:
        """Nothing is undone in the past."""
        self.action_move_card(0)

    def action_back(self) -> None:
        """Clear the filter first; otherwise back to the live board."""
        if self.filter.active():
            self.action_clear_filter()
        else:
            self.dismiss()

    def data_changed(self) -> None:
        """The past does not change when others edit today."""

    def on_herne_screen_measure_changed(self, message: HerneScreen.MeasureChanged) -> None:
        message.prevent_default()  # today's state never enters the past (the board would apply it)

    def on_herne_screen_change_dropped(self, message: HerneScreen.ChangeDropped) -> None:
        message.prevent_default()  # nothing to reload: the past did not change
