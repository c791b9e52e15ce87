"""One importer per source format. `load()` in `run` validates every file, then writes all or nothing."""
