"""A component class's colour and text style, without its background: the widget that draws the
text owns the background (a row, a bar)."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def foreground(widget: Widget, component: str, *, partial: bool = False) -> Style:
    """`partial`: only what the component's own rules set (not resolved against the widget's
    background, so relative colours such as "auto 60%" need partial=False)."""
    full = widget.get_component_rich_style(component, partial=partial)
    return Style(color=full.color, bold=full.bold, italic=full.italic, underline=full.underline)
