"""SVG snapshots of the real screens (pytest-textual-snapshot)."""
