"""What the site publishes, made from the catalog and redlines: where everything goes
(`urls`, and `outputs`, which checks that no two files clash), the pages (`pages`, the
switcher, drafts, changes and comparison pages in `marked`), versions.json (`index`), the
feeds (`feeds`), and what HTML a policy may hold (`sanitize`).

In: a catalog, redlines, settings of the site. Out: generated pages and files, in memory
or in the store, for any site generator.
"""
