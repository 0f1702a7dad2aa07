"""A citable PDF of each version (the `pdf` option; WeasyPrint, the `pdf` extra).

A customer in a dispute, or a lawyer filing one, needs the text as one file that says what
it is: its first page names the policy, the version, the day it took effect, the day it was
published, its permanent address, its commit and the SHA-256 of its Markdown source (the
same digest the version page and versions.json give, so anyone can check the file against
the repository). Then the text, rendered as its page renders it (the site's Markdown
extensions, sanitised as feeds are, links made absolute), with the permanent address and
page numbers in every page's footer. The status ("in force") is not printed: it changes
with time, and the file must not.

The same version gives the same bytes: nothing in it comes from the clock (WeasyPrint
dates the file from `dcterms.created`, here the publication; where HarfBuzz cannot subset
the fonts, fontTools does, and stamps each subset with the clock unless
SOURCE_DATE_EPOCH says otherwise: it is set to the publication while the PDF is made),
and nothing is fetched from elsewhere (the fetcher serves the files beside the policies
that the text shows as images, and refuses any other address). Each PDF is made once, in
the workers, and kept in the store under everything it is made from, WeasyPrint's version
included; the fonts are the machine's (fontconfig's), which the key cannot know.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import json
import mimetypes
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urljoin

from policydocs.core.errors import PolicyError
from policydocs.core.memo import Memo
from policydocs.core.parallel import Result
from policydocs.history.model import Catalog, Version, long_date
from policydocs.site.html import Reading
from policydocs.site.pages import Links, links_of
from policydocs.site.sanitize import feed_html
from policydocs.site.urls import UrlScheme

#: Part of the cache key: bump when the PDF made from the same inputs changes.
PDF_RENDERING = "2"  # 2: fonts subset by fontTools no longer stamped with the clock
#: Images a PDF embeds (other linked files stay links).
_IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})

_STYLE = """
@page {
  size: A4; margin: 22mm 20mm 24mm;
  @bottom-left { content: string(address); font-size: 8pt; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }
}
html { font-family: "Liberation Serif", "DejaVu Serif", serif; font-size: 11pt;
  line-height: 1.45; }
.pd-cite { break-after: page; string-set: address attr(data-address); }
.pd-cite h1 { font-size: 20pt; margin: 0 0 10mm; }
.pd-cite dl { display: grid; grid-template-columns: max-content 1fr; gap: 2mm 6mm; }
.pd-cite dt { font-weight: bold; }
.pd-cite dd { margin: 0; overflow-wrap: anywhere; }
.pd-cite code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
h1, h2, h3, h4 { break-after: avoid; line-height: 1.2; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }
img { max-width: 100%; }
a { color: inherit; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; white-space: pre-wrap; }
"""


@dataclass(frozen=True)
class PdfJob:
    """Everything one version's PDF is made from (picklable: it travels to a worker)."""

    #: Where the file is published, below the site root.
    dest: str
    #: The repository path and commit of the text, for error messages.
    source: str
    title: str
    #: (name, value) lines of the first page.
    facts: tuple[tuple[str, str], ...]
    address: str
    published: str
    #: The text's Markdown, its links absolute.
    markdown: str
    reading: Reading
    #: Absolute address → bytes of each image beside the policies that the text shows.
    images: tuple[tuple[str, bytes], ...]

    def key(self) -> str:
        """The store key: everything the PDF is made from, and what makes it."""
        digest = hashlib.sha256()
        head = [PDF_RENDERING, _weasyprint_version(), self.title, self.facts, self.address]
        head += [self.published, self.markdown, self.reading.identity]
        digest.update(json.dumps(head).encode())
        for url, data in self.images:
            digest.update(url.encode() + b"\0" + hashlib.sha256(data).digest())
        return "pdf:" + digest.hexdigest()


def start_pdfs(
    catalog: Catalog, urls: UrlScheme, base: str, reading: Reading, memo: Memo
) -> dict[str, Result[bytes]]:
    """Every version's PDF by where it is published: those no build made before are sent
    to `memo`'s workers now (WeasyPrint is loaded here first, so that a site missing it
    learns so at once, not from a worker)."""
    load_weasyprint()
    links = links_of(catalog, urls)
    files = {urls.attachment_dest(file): file.data for file in catalog.attachments.values()}
    jobs = {
        job.dest: job
        for policy in catalog.policies
        for version in policy.versions
        for job in [_job(version, urls, base, links, files, reading)]
    }
    keys = {dest: job.key() for dest, job in jobs.items()}
    return memo.results(keys, jobs.__getitem__, render_pdf, as_stored, as_stored)


def as_stored(data: bytes) -> bytes:
    """A PDF is kept in the store as its bytes."""
    return data


def _job(
    version: Version,
    urls: UrlScheme,
    base: str,
    links: Links,
    files: Mapping[str | None, bytes],
    reading: Reading,
) -> PdfJob:
    address = urljoin(base, urls.version(version))
    texts = ((version.path, version.commit.sha),)

    images = tuple(
        (urljoin(base, dest), files[dest])
        for _, _, dest in links.files_of(texts)
        if dest in files and dest[dest.rfind(".") :].lower() in _IMAGES
    )
    facts = (
        ("Version", version.label),
        ("Effective", version.in_force_text(long_date)),
        ("Published", f"{long_date(version.published_on)} ({version.published.isoformat()})"),
        ("Permanent address", address),
        ("Commit", version.commit.sha),
        ("Source file", version.path),
        ("SHA-256 of the Markdown source", version.sha256),
    )
    return PdfJob(
        urls.pdf_dest(version.policy_id, version.label),
        f"{version.path} at commit {version.commit.sha[:12]}",
        version.title,
        facts,
        address,
        version.published.isoformat(),
        links.rebase(version.page_body, texts, partial(urls.absolute, base)),
        reading,
        images,
    )


def render_pdf(job: PdfJob) -> bytes:
    """Runs in a worker: the PDF's bytes."""
    weasyprint = load_weasyprint()
    images = dict(job.images)
    fetcher: Any = weasyprint.urls.URLFetcher

    class Fetcher(fetcher):  # type: ignore[misc]  # (WeasyPrint ships no types)
        """Serves the text's images from the build; fetches nothing from elsewhere."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in images:
                raise ValueError(f"{url}: a PDF loads nothing from elsewhere")
            kind = mimetypes.guess_type(url)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, images[url], headers={"Content-Type": kind}
            )

    try:
        document = weasyprint.HTML(
            string=_document(job), base_url=job.address, url_fetcher=Fetcher()
        )
        with _clock_at(job.published):
            data: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=_STYLE)])
    except Exception as exc:  # (WeasyPrint's own errors have no common base class)
        raise PolicyError(f"{job.source}: cannot be made a PDF ({job.dest}): {exc}") from exc
    return data


@contextmanager
def _clock_at(moment: str) -> Iterator[None]:
    """The time reproducible tools take for "now" (SOURCE_DATE_EPOCH) set to `moment`, an
    ISO 8601 date and time, then put back as it was."""
    before = os.environ.get(_EPOCH)
    os.environ[_EPOCH] = str(int(datetime.fromisoformat(moment).timestamp()))
    try:
        yield
    finally:
        if before is None:
            del os.environ[_EPOCH]
        else:
            os.environ[_EPOCH] = before


_EPOCH = "SOURCE_DATE_EPOCH"  # https://reproducible-builds.org/specs/source-date-epoch/

#: The `toc` extension's "¶" after each heading (a link on screen, a stray sign on paper).
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>[^<]*</a>')
#: First-page facts shown as a link, and as code (digits a reader compares).
_LINKED = frozenset({"Permanent address"})
_CODE = frozenset({"Commit", "SHA-256 of the Markdown source"})


def _document(job: PdfJob) -> str:
    e = html.escape
    facts = []
    for name, value in job.facts:
        shown = e(value)
        if name in _LINKED:
            shown = f'<a href="{shown}">{shown}</a>'
        elif name in _CODE:
            shown = f"<code>{shown}</code>"
        facts.append(f"<dt>{e(name)}</dt><dd>{shown}</dd>")
    body = feed_html(_HEADERLINK.sub("", job.reading.to_html(job.markdown)), job.address)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(job.title)}, version {e(job.facts[0][1])}</title>"
        f'<meta name="dcterms.created" content="{e(job.published)}">'
        f'<meta name="dcterms.modified" content="{e(job.published)}">'
        f'</head><body><section class="pd-cite" data-address="{e(job.address)}">'
        f"<h1>{e(job.title)}</h1><dl>{''.join(facts)}</dl></section>"
        f"<main>{body}</main></body></html>"
    )


def load_weasyprint() -> Any:
    """WeasyPrint, or an error saying how to get it (it needs Pango, a system library)."""
    try:
        import weasyprint  # (optional: only sites with `pdf` need it)
    except ImportError as exc:
        raise PolicyError(
            "the 'pdf' option needs WeasyPrint: pip install 'policydocs[pdf]'"
        ) from exc
    except OSError as exc:  # (its system libraries are missing)
        raise PolicyError(
            f"the 'pdf' option needs WeasyPrint's system libraries (Pango): {exc}; see "
            "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
        ) from exc
    return weasyprint


def _weasyprint_version() -> str:
    try:
        return importlib.metadata.version("weasyprint")
    except importlib.metadata.PackageNotFoundError:
        return "none"
