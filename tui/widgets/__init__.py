"""Widgets: the paper list (Line API), detail pane, filter bar, notes editor, key bar, status line."""
