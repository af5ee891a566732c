"""Sync through git: the library directory is a git repository; papershelf's own merge
(rules.py), used by `sync` (engine.py) and by the git merge driver (driver.py), merges its
files record by record, three-way, so that nothing anyone wrote is lost."""
