"""A build on every core with the store: workers, rebuilds, damage, the sweep."""
