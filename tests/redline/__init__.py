"""Redlines: what a reader of one relies on, and its exactness over random edits."""
