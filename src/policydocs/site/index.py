"""versions.json: the machine-readable index of every policy and version (schema in the README).

Dates come from git and the front matter only; the build's "as of" moment is not written, so
an unpinned rebuild of the same commit gives the same file unless a status really changed.
"""

from __future__ import annotations

import json
from typing import Any

from policydocs.history.model import Catalog, Policy, PolicyStatus, Version, Withdrawal
from policydocs.site.urls import UrlScheme

SCHEMA_VERSION = 1


def build_index(
    catalog: Catalog, urls: UrlScheme, *, authors: bool = False, pdf: bool = False
) -> bytes:
    """`authors`: each version names its commit's author (`Settings.show_authors`);
    `pdf`: and its PDF (`Settings.pdf`)."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "commit": catalog.head,
        "policies": [_policy(policy, urls, authors, pdf) for policy in catalog.policies],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def _policy(policy: Policy, urls: UrlScheme, authors: bool, pdf: bool) -> dict[str, Any]:
    withdrawal = policy.withdrawal
    return {
        "id": policy.id,
        "title": policy.title,
        "status": policy.status.value,
        "path": policy.path,
        "url": urls.current(policy),
        "history_url": urls.history(policy),
        "current": policy.current.label if policy.current else None,
        "former_ids": policy.former_ids,
        "withdrawn": (
            _withdrawal(withdrawal, policy)
            if withdrawal is not None and policy.status is PolicyStatus.WITHDRAWN
            else None
        ),
        # Every deletion of its file, the ones a re-added file came back from too: what the
        # policy said was not in force in between, and a reader of this file must see that.
        "withdrawals": [_withdrawal(each, policy) for each in policy.withdrawals],
        "versions": [_version(version, urls, authors, pdf) for version in policy.versions],
    }


def _withdrawal(withdrawal: Withdrawal, policy: Policy) -> dict[str, Any]:
    return {
        "date": withdrawal.commit.date.isoformat(),
        "commit": withdrawal.commit.sha,
        "after": policy.last_before(withdrawal).label,
    }


def _version(version: Version, urls: UrlScheme, authors: bool, pdf: bool) -> dict[str, Any]:
    fields = {
        "label": version.label,
        "title": version.title,
        "status": version.status.value,
        "effective": version.effective.isoformat(),
        "effective_source": version.effective_source.value,
        "in_force_from": version.in_force_from.isoformat(),
        "in_force_until": version.in_force_until.isoformat() if version.in_force_until else None,
        "published": version.published.isoformat(),
        "summary": version.summary,
        "change": version.change.value,  # material | editorial (see history.editorial)
        "change_source": version.change_source.value,
        "commit": version.commit.sha,
        "path": version.path,
        "sha256": version.sha256,
        "url": urls.version(version),
        "changes_url": urls.changes(version) if version.index > 0 else None,
        "raw_url": urls.raw(version),
    }
    if authors:  # left out, not null: null would say the author is unknown
        fields["author"] = version.commit.author
    if pdf:
        fields["pdf_url"] = urls.pdf(version)
    return fields
