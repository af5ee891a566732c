"""Screens: the main screen (wiring the widgets to the session), the welcome screen, and the dialogs."""
