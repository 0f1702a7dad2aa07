"""Redlines of two texts, knowing nothing of the site: blocks, then word tokens, aligned
and marked (`engine`), the markup and how to read it back (`markup`), and how a redline is
kept between builds (`stored`).

In: two Markdown texts. Out: a `engine.Redline` (marked Markdown, counts, sections).
"""
