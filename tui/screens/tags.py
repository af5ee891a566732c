"""The tag editor: a modal Input, comma-separated, completing from the library's tags."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from storage import normalise_tags
from tui.widgets.burst_keys import KeysFollowTheFocus


class TagSuggester(Suggester):
    """Completes the tag being typed (the text after the last comma) from known tags."""

    def __init__(self, tags: Iterable[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self._tags = sorted(set(tags))

    async def get_suggestion(self, value: str) -> str | None:
        head, _, partial = value.rpartition(",")
        stem = partial.lstrip()
        if not stem:
            return None
        typed = set(normalise_tags(head))
        for tag in self._tags:
            if tag.startswith(stem) and tag != stem and tag not in typed:
                return value + tag[len(stem) :]
        return None


class TagsInput(KeysFollowTheFocus, Input):
    """enter and esc close the dialog in the input's own turn: the keys typed behind them
    ("rlhf⏎js") go on to the list, not into the input."""

    LEAVING_KEYS = {"enter": "save", "escape": "cancel"}


class TagsScreen(ModalScreen[tuple[str, ...] | None]):
    """Edit one paper's tags; dismisses with the new tags, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags-cancel")]

    DEFAULT_CSS = """
    TagsScreen { align: center middle; }
    TagsScreen > Vertical {
        width: 70; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    TagsScreen Label { width: 1fr; color: $text-muted; }
    TagsScreen #tags-title { color: $text; text-style: bold; }
    """

    def __init__(self, title: str, tags: Iterable[str], known_tags: Iterable[str]) -> None:
        super().__init__()
        self._paper_title = title
        self._tags = tuple(tags)
        self._known = tuple(known_tags)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._paper_title, no_wrap=True, overflow="ellipsis"), id="tags-title")
            yield TagsInput(
                ", ".join(self._tags),
                placeholder="tags, comma separated",
                suggester=TagSuggester(self._known),
                select_on_focus=False,
                id="tags-input",
            )
            yield Label("enter save · → complete · esc cancel · empty clears")

    def on_mount(self) -> None:
        tags = self.query_one(TagsInput)
        tags.border_title = "Tags"
        self.set_focus(tags)  # now, not when the screen resumes: the letters typed behind t come here

    def action_save(self) -> None:
        self.dismiss(normalise_tags(self.query_one(TagsInput).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
