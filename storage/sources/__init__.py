"""Network clients for the paper sources: Hugging Face papers API, arXiv API and RSS (pacing, retries, cache)."""
