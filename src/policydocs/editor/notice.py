"""`policydocs notice`: the email a company sends when a policy changes, ready to send.

Policies promise notice by email ("we will notify you of price changes"); the site and its
feeds are the record, this is the message: the summary, the day the new version takes
effect, the sections that changed and links to the redline and the version, as plain text
and HTML (RFC 5322, multipart/alternative). Dates and ids come from the history, so the
same version always gives the same message.
"""

from __future__ import annotations

import html
import smtplib
import textwrap
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit

from policydocs.core.errors import PolicyError
from policydocs.history.model import Catalog, Policy, Version, long_date
from policydocs.redline.engine import redline
from policydocs.redline.result import Section
from policydocs.site.feeds import stable_id
from policydocs.site.urls import UrlScheme

#: The text part's paragraphs are wrapped to read well in a terminal and a mail program.
_WIDTH = 72


@dataclass(frozen=True)
class Notice:
    policy: Policy
    version: Version
    subject: str
    text: str
    html: str
    message_id: str


def notices_since(catalog: Catalog, commits: Sequence[str]) -> list[tuple[Policy, Version]]:
    """The material versions published by `commits` (editorial ones are not announced)."""
    published = set(commits)
    return [
        (policy, version)
        for policy in catalog.policies
        for version in policy.versions
        if version.commit.sha in published and not version.editorial
    ]


def notice(policy: Policy, version: Version, urls: UrlScheme, base: str, site: str) -> Notice:
    """The message announcing `version` of `policy`; `base` is the site's absolute URL."""
    page = urljoin(base, urls.version(version))
    history = urljoin(base, urls.history(policy))
    previous = policy.previous(version)
    changes = urljoin(base, urls.changes(version)) if previous is not None else None
    sections = redline(previous.body, version.body).sections if previous is not None else ()
    day = long_date(version.in_force_on)
    ahead = version.in_force_from > version.published
    subject = f"{version.title}: changes take effect {day}"
    if previous is None:
        subject = f"{version.title}: takes effect {day}"
    published = long_date(version.published_on)
    lead = f"On {published} we published version {version.label} of our {version.title}. " + (
        f"It takes effect on {day}." if ahead else f"It is in force from {day}."
    )
    content = _Content(lead, version, sections, changes, page, history, site)
    text, body = _text(content), _html(content)
    message_id = f"<{uuid.uuid5(stable_id(policy, version.label), 'notice')}@policydocs>"
    return Notice(policy, version, subject, text, body, message_id)


@dataclass(frozen=True)
class _Content:
    """What a notice says, in both its parts."""

    lead: str
    version: Version
    sections: Sequence[Section]
    #: The changes page (None for a first publication), the version's page, the history.
    changes: str | None
    page: str
    history: str
    site: str


def _text(c: _Content) -> str:
    lines = [textwrap.fill(c.lead, _WIDTH), ""]
    if c.version.summary:
        summary = textwrap.fill(
            c.version.summary, _WIDTH, initial_indent="  ", subsequent_indent="  "
        )
        lines += ["What changed:", summary, ""]
    if c.sections and c.changes:
        lines += ["Sections that changed:"]
        lines += [f"  - {s.title}\n    {c.changes}#{s.anchor}" for s in c.sections]
        lines += [""]
    if c.changes:
        lines += ["See exactly what changed (every insertion and deletion marked):"]
        lines += [f"  {c.changes}"]
    lines += ["Read the new version:", f"  {c.page}"]
    lines += ["Every version we have published:", f"  {c.history}"]
    lines += ["", f"— {c.site}"]
    return "\n".join(lines) + "\n"


def _html(c: _Content) -> str:
    e = html.escape
    parts = [f"<p>{e(c.lead)}</p>"]
    if c.version.summary:
        parts.append(f"<p><strong>What changed:</strong> {e(c.version.summary)}</p>")
    links = [f'<a href="{e(c.page)}">Read the new version</a>']
    links.append(f'<a href="{e(c.history)}">Every version</a>')
    if c.changes:
        items = "".join(
            f'<li><a href="{e(c.changes)}#{e(s.anchor)}">{e(s.title)}</a></li>' for s in c.sections
        )
        if items:
            parts.append(f"<p>Sections that changed:</p><ul>{items}</ul>")
        links.insert(0, f'<a href="{e(c.changes)}">See exactly what changed</a>')
    parts.append(f"<p>{' · '.join(links)}</p>")
    parts.append(f"<p>— {e(c.site)}</p>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(c.version.title)}</title></head><body>{''.join(parts)}</body></html>\n"
    )


def message(item: Notice, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The notice as an email (text, with the HTML as its alternative), dated when the
    version was published, its boundary made from its id."""
    mail = EmailMessage()
    mail["Subject"] = item.subject
    mail["From"] = sender
    mail["To"] = ", ".join(recipients) if recipients else sender
    mail["Date"] = format_datetime(item.version.published)
    mail["Message-ID"] = item.message_id
    mail.set_content(item.text)
    mail.add_alternative(item.html, subtype="html")
    # (email's boundary is random: the same notice must be the same bytes)
    mail.set_boundary(f"=={item.message_id.strip('<>').split('@')[0]}==")
    return mail


def default_sender(site_url: str) -> str:
    return f"policies@{urlsplit(site_url).hostname}"


def send(mails: Sequence[EmailMessage], environ: Mapping[str, str]) -> None:
    """Send through the SMTP server in `SMTP_HOST` (`SMTP_PORT`, default 587; with
    `SMTP_USERNAME`, STARTTLS and a login with `SMTP_PASSWORD`)."""
    host = environ.get("SMTP_HOST")
    if not host:
        raise PolicyError(
            "--send needs an SMTP server: set SMTP_HOST (and SMTP_PORT, SMTP_USERNAME, "
            "SMTP_PASSWORD)"
        )
    try:
        with smtplib.SMTP(host, int(environ.get("SMTP_PORT", "587")), timeout=60) as server:
            if environ.get("SMTP_USERNAME"):
                server.starttls()
                server.login(environ["SMTP_USERNAME"], environ.get("SMTP_PASSWORD", ""))
            for mail in mails:
                server.send_message(mail)
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        raise PolicyError(f"could not send the notice through {host}: {exc}") from exc
