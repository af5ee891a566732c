"""Finding papers: the filter language, the in-memory index, more-like-this, sort orders."""
