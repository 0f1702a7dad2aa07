"""`policydocs notice`: the email announcing a change, read back by Python's email package,
its links checked against the built site, and sent to an SMTP server on loopback."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from pathlib import Path

import pytest

from ..conftest import build_site, policydocs
from ..gitrepo import GitRepo

SITE = "https://policies.example.com/"
TERMS = "# Fees\n\nYou pay 5 pounds.\n\n# Notice\n\nWe give 30 days' notice.\n"


def history(repo: GitRepo) -> GitRepo:
    repo.write("README.md", "Our policies.\n")
    repo.commit("start", "2023-12-01T09:00:00+00:00")
    repo.revise("terms", TERMS, "2024-01-01T09:00:00+00:00", title="Terms", summary="First")
    repo.revise(
        "terms",
        TERMS.replace("5 pounds", "7 pounds"),
        "2024-02-01T09:00:00+00:00",
        title="Terms",
        summary="A higher fee",
        effective="2024-03-01",
    )
    repo.mkdocs_yml({"as_of": "2024-02-15"})
    return repo


def test_the_eml_parses_and_its_links_resolve_to_built_pages(repo: GitRepo, tmp_path: Path) -> None:
    history(repo)
    site = build_site(repo, {"as_of": "2024-02-15"})
    result = policydocs(
        repo.path, "notice", "--format", "eml", "--to", "customers@example.net"
    )  # the last merge's
    assert result.returncode == 0, result.stderr
    mail = email.message_from_string(result.stdout, policy=email.policy.default)
    assert mail["Subject"] == "Terms: changes take effect 1 March 2024"
    assert mail["From"] == "policies@policies.example.com"
    assert mail["To"] == "customers@example.net"
    assert mail["Date"] == "Thu, 01 Feb 2024 09:00:00 +0000"  # when it was published
    assert re.fullmatch(r"<[0-9a-f-]{36}@policydocs>", mail["Message-ID"])
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    page = mail.get_body(("html",)).get_content()
    assert "It takes effect on 1 March 2024." in " ".join(text.split())
    assert "A higher fee" in text
    assert "  - Fees\n" in text  # the section that changed
    assert all(len(line) <= 80 for line in text.splitlines())  # reads well in a terminal
    links = set(re.findall(r"https://\S+", text)) | set(re.findall(r'href="([^"]+)"', page))
    assert f"{SITE}terms/2024-03-01/changes/" in links
    for link in links:
        path = link.removeprefix(SITE).split("#")[0]
        assert (site / path / "index.html").is_file() or (site / path).is_file(), link
    again = policydocs(repo.path, "notice", "--format", "eml", "--to", "customers@example.net")
    assert again.stdout == result.stdout  # the same version, the same message


def test_one_version_or_none_and_every_format(repo: GitRepo, tmp_path: Path) -> None:
    history(repo)
    first = policydocs(repo.path, "notice", "terms", "2024-01-01")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Subject: Terms: takes effect 1 January 2024\n")
    html = policydocs(repo.path, "notice", "terms", "--format", "html")
    assert html.stdout.startswith("<!doctype html>") and "A higher fee" in html.stdout
    nothing = policydocs(repo.path, "notice", "--since", "HEAD")
    assert (nothing.returncode, nothing.stdout) == (
        0,
        "policydocs: no material change to announce since HEAD\n",
    )
    both = policydocs(
        repo.path, "notice", "--since", "HEAD~2", "--format", "eml", "--out", str(tmp_path / "out")
    )
    assert both.returncode == 0, both.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "terms-2024-01-01.eml",
        "terms-2024-03-01.eml",
    ]
    unknown = policydocs(repo.path, "notice", "terms", "1999-01-01")
    assert unknown.returncode == 1 and "no version '1999-01-01'" in unknown.stderr


def test_send_delivers_through_smtp(repo: GitRepo) -> None:
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.handlers import Message

    received: list[email.message.Message] = []

    class Collect(Message):
        def handle_message(self, message: email.message.Message) -> None:
            received.append(message)

    history(repo)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    server = aiosmtpd.Controller(Collect(), hostname="127.0.0.1", port=int(port))
    server.start()
    try:
        sent = policydocs(
            repo.path,
            "notice",
            "--send",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=port,
            NOTICE_TO="a@example.net",
        )
    finally:
        server.stop()
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout == "policydocs: sent 1 notice(s) to a@example.net\n"
    [mail] = received
    assert mail["Subject"] == "Terms: changes take effect 1 March 2024"
    assert mail["To"] == "a@example.net"
    unset = policydocs(repo.path, "notice", "--send")
    assert unset.returncode == 1 and "set SMTP_HOST" in unset.stderr
