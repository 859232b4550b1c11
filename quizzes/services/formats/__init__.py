"""Question file formats: readers produce `records.ParsedFile`, writers take payloads.

See docs/question-formats.md for the mapping of each format to the platform's kinds.
"""
