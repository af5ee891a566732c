"""The world outside the terminal: the clipboard, the external editor, watching the library's files."""
