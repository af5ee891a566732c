"""Changing the library: shelf changes, the undo history, merging imported papers."""
