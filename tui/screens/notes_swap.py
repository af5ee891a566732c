"""The notes editor swapped in for its preview, a frame after the first (see NotesPreview):
importing and mounting a TextArea costs more than the first frame can spare."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.widgets.notes_preview import NotesPreview

if TYPE_CHECKING:
    from textual.widget import Widget

    from storage import Entry
    from tui.widgets.notes import NotesEditor


async def swap_in_editor(
    holder: Widget, preview: NotesPreview, save: Callable[[str, str], Entry], shown: Callable[[NotesEditor], None]
) -> None:
    """Mount an editor in `holder` in place of `preview`, on the paper the preview showed last;
    `shown(editor)` runs as it takes the preview's place. `save(paper_id, text)` keeps a note."""
    from tui.widgets.notes import NotesEditor

    editor = NotesEditor(save)
    editor.display = False  # mounted out of sight, then shown in the preview's place at once
    await holder.mount(editor)
    editor.load(preview.entry)
    preview.display = False
    editor.display = True
    shown(editor)
    await preview.remove()
