"""Scripted histories that tests in several folders build on."""

from __future__ import annotations

from .gitrepo import GitRepo


def republished(repo: GitRepo) -> GitRepo:
    """promo: published 1 January 2024, withdrawn 1 March, published again 1 June (tos keeps
    the policies folder in between)."""
    repo.revise("promo", "One.\n", "2024-01-01T09:00:00+00:00")
    repo.revise("tos", "Terms.\n", "2024-01-01T09:00:00+00:00")  # keeps the folder
    repo.git("rm", "-q", "policies/promo.md")
    repo.commit("withdraw", "2024-03-01T09:00:00+00:00")
    repo.revise("promo", "Two.\n", "2024-06-01T09:00:00+00:00")
    return repo


def long_texts(repo: GitRepo, revisions: int) -> GitRepo:
    """tos: `revisions` revisions in January 2024, each a new text of about 100 KB (what a
    test of what a build holds measures against)."""
    for n in range(revisions):
        text = "\n\n".join(f"Clause {n}.{k}: " + "terms of service " * 60 for k in range(100))
        repo.revise("tos", text + "\n", f"2024-01-{n + 1:02d}T09:00:00+00:00")
    return repo
