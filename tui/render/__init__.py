"""Rich renderables shared by the command line and the screens.

Kept free of imports here: the status line (part of the TUI's first frame) imports
`tui.render.counts`, which must stay cheap."""
