"""The bottom layer: worker processes."""
