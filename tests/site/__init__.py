"""What the site publishes: pages, the switcher, versions.json, feeds."""
