"""The git walk, front matter and the catalog: versions, dates, statuses, errors."""
