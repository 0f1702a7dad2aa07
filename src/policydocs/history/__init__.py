"""From git to a catalog: the first-parent walk of the policy files (`git`), each
revision's front matter and text checked (`frontmatter`, `publishable`), and the policies
with their labelled, dated versions and statuses at one moment (`catalog`, `model`).

In: a repository and settings. Out: a `model.Catalog`, warnings, and errors naming the
file, commit and field.
"""
