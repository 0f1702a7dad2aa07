"""A build: the run that schedules the work on the cores and hands its pages and files
over in a site generator's order (`run`), and the sweep that keeps the cache from growing
(`sweep`). `run.build` and `run.export` make a whole site without a site generator.

In: settings (and a site generator's own files). Out: stored pages and files, read back
checked; a folder of files for `export`.
"""
