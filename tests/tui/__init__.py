"""Tests of the Textual app: widgets, screens and keys, driven by Pilot."""
