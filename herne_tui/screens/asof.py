"""The board as it was at the end of a past day, rebuilt from the history; read-only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType

from herne_tui.domain.objects import format_date
from herne_tui.screens.base import HerneScreen
from herne_tui.screens.board import BoardScreen
from herne_tui.services import history
from herne_tui.widgets.shown import plain

EDITING = ("move_card(-1)", "move_card(1)", "undo", "set_status", "note", "dissent")
"""The board's actions that would write; here each only says that nothing can be changed."""


class AsOfBoardScreen(BoardScreen, inherit_bindings=False):
    """The board on a given day. Nothing can be changed here; esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # the editing keys stay bound (each answers with one line) but leave the footer
        *(
            replace(b, show=False) if b.action in EDITING else b
            for b in BoardScreen.BINDINGS
            if isinstance(b, Binding) and b.action != "clear_filter"
        ),
        Binding("escape", "back", "Zurück", id="asof.back"),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day

    def on_mount(self) -> None:
        super().on_mount()
        # after the board's own on_mount (Textual runs it too), which names the screen "Board"
        self.call_after_refresh(
            setattr, self, "title", f"Stand {format_date(self.day)} – nur lesen"
        )

    def refuse(self) -> None:
        """The one answer to every editing key: the past is read-only."""
        self.notify(f"Nur lesen: Board zum Stand {format_date(self.day)}", severity="warning")

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
                f"{measure.id}: {plain(measure.title, one_line=True)} – Stand am "
                f"{format_date(self.day)}"
            )

    def action_move_card(self, delta: int) -> None:
        """Nothing moves in the past."""
        self.refuse()

    def action_undo(self) -> None:
        """Nothing is undone in the past."""
        self.refuse()

    def action_set_status(self) -> None:
        """No status is set in the past."""
        self.refuse()

    def action_note(self) -> None:
        """No note is added to the past (it would land on the live measure)."""
        self.refuse()

    def action_dissent(self) -> None:
        """No dissent is raised from the past."""
        self.refuse()

    def write(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """The last guard: nothing on this screen ever reaches the services' writes."""
        self.refuse()

    def action_back(self) -> None:
        """Clear the filter first; otherwise back to the live board."""
        if self.filter.active():
            self.action_clear_filter()
        else:
            self.dismiss()

    def data_changed(self) -> None:
        """The past does not change when others edit today."""

    def on_herne_screen_outdated(self, message: HerneScreen.Outdated) -> None:
        message.prevent_default()  # today's changes never enter the past (the board reads them)

    def on_herne_screen_measure_changed(self, message: HerneScreen.MeasureChanged) -> None:
        message.prevent_default()  # today's state never enters the past (the board would apply it)

    def on_herne_screen_change_dropped(self, message: HerneScreen.ChangeDropped) -> None:
        message.prevent_default()  # nothing to reload: the past did not change
