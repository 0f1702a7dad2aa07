"""What legal editors use before a change is merged: `check` (the working tree and the
history against every rule a build applies), `compare` and `report` (`policydocs diff`:
redlines of revisions, for a terminal, a pull request or a page) and `new` (a policy file
that passes the checks).

In: a repository, paths, revisions. Out: problems, comparisons, reports, a new file.
"""
