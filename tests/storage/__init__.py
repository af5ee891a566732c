"""Tests of storage/: the library and its parts, without a UI."""
