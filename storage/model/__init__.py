"""The library's records: papers, shelves (the reader's annotations), ids, text cleaning, errors."""
