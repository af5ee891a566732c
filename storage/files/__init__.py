"""The library on disk: atomic TinyDB storage, the journal, the lock, backups, paths, schema, and the catalogue and annotations files."""
