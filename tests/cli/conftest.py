"""Fixtures of the source tests, for the commands that use the sources: a local server as every
endpoint, responses cached in the test's folder."""

from tests.storage.sources.conftest import cache_dir, endpoints  # noqa: F401
