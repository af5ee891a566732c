"""Changing the library: shelf changes, import merging, the undo history, the entries in memory, and the writer that makes a change durable."""
