"""Generate a synthetic policy repository with realistic text and history, fast.

Commits are streamed into `git fast-import` (one process for the whole history), so a
20 policies x 50 revisions repository takes about a second. Text and edits come from a seeded
random generator: the same arguments always give the same repository, byte for byte.
"""

from __future__ import annotations

import argparse
import random
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = (
    "customer service network account charges payment notice contract terms data usage "
    "provider agreement liability suspend reasonable period written consent personal law "
    "device broadband mobile plan fee month days business material change effective rights "
    "obligations security access content third party applicable including without limitation "
    "the a of to and in for on with by we you your our may must not any all such other"
).split()


@dataclass(frozen=True)
class Shape:
    policies: int = 20
    revisions: int = 50
    kilobytes: int = 12
    #: Every `merge_every`-th revision arrives as a two-commit branch merged with --no-ff.
    merge_every: int = 10
    seed: int = 1


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def _document(rng: random.Random, kilobytes: int) -> list[str]:
    blocks: list[str] = []
    section = 0
    while sum(len(b) + 2 for b in blocks) < kilobytes * 1024:
        if len(blocks) % 6 == 0:
            section += 1
            blocks.append(f"## {section}. {_sentence(rng)[:-1].title()}")
        else:
            blocks.append(_paragraph(rng))
    return blocks


def _edit(rng: random.Random, blocks: list[str]) -> list[str]:
    """Scattered edits: a few paragraphs get a few words changed, sometimes one is added."""
    blocks = list(blocks)
    for _ in range(rng.randint(1, 4)):
        index = rng.randrange(len(blocks))
        if blocks[index].startswith("#"):
            continue
        words = blocks[index].split(" ")
        for _ in range(rng.randint(1, 5)):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        blocks[index] = " ".join(words)
    if rng.random() < 0.2:
        blocks.insert(rng.randrange(1, len(blocks)), _paragraph(rng))
    return blocks


def _file(title: str, revision: int, effective: datetime, blocks: list[str]) -> bytes:
    front = (
        f"---\ntitle: {title}\neffective: {effective.date().isoformat()}\n"
        f"summary: Revision {revision} of {title}.\n---\n\n"
    )
    return (front + "\n\n".join(blocks) + "\n").encode()


class _Stream:
    """Writes a `git fast-import` stream."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.mark = 0

    def commit(
        self,
        branch: str,
        when: datetime,
        message: str,
        files: dict[str, bytes],
        parents: list[int],
    ) -> int:
        self.mark += 1
        stamp = f"{int(when.timestamp())} +0000"
        out = [f"commit refs/heads/{branch}\nmark :{self.mark}\n".encode()]
        out.append(f"author Editor <editor@example.com> {stamp}\n".encode())
        out.append(f"committer Editor <editor@example.com> {stamp}\n".encode())
        data = message.encode()
        out.append(f"data {len(data)}\n".encode() + data + b"\n")
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
            out.extend(f"merge :{p}\n".encode() for p in parents[1:])
        for path, content in files.items():
            out.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content + b"\n")
        self.chunks.append(b"".join(out))
        return self.mark


def generate(target: Path, shape: Shape) -> Path:
    """Create `target` as a git repository holding policies/*.md with the given history."""
    rng = random.Random(shape.seed)
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    stream = _Stream()
    documents = {f"policy-{n:03}": _document(rng, shape.kilobytes) for n in range(shape.policies)}
    start = datetime(2020, 1, 6, 9, tzinfo=UTC)
    files = {
        f"policies/{pid}.md": _file(pid.title(), 0, start, blocks)
        for pid, blocks in documents.items()
    }
    files["mkdocs.yml"] = b"site_name: Synthetic\n"
    head = stream.commit("main", start, "first publication", files, [])
    when = start
    for revision in range(1, shape.revisions):
        for pid in documents:
            when += timedelta(hours=7)
            documents[pid] = _edit(rng, documents[pid])
            path = f"policies/{pid}.md"
            content = _file(pid.title(), revision, when + timedelta(days=30), documents[pid])
            if shape.merge_every and revision % shape.merge_every == 0:
                draft = _file(pid.title(), revision, when, _edit(rng, documents[pid]))
                branch_head = stream.commit("topic", when, "draft", {path: draft}, [head])
                reviewed = stream.commit("topic", when, "review", {path: content}, [branch_head])
                merged = {path: content}  # fast-import does not merge: give the result
                head = stream.commit("main", when, f"merge {pid}", merged, [head, reviewed])
            else:
                head = stream.commit("main", when, f"revise {pid}", {path: content}, [head])
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=target,
        input=b"".join(stream.chunks) + b"done\n",
        check=True,
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    # the merged topic branch is not needed; it exists only if the history had merges
    subprocess.run(["git", "branch", "-q", "-D", "topic"], cwd=target, capture_output=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--policies", type=int, default=Shape.policies)
    parser.add_argument("--revisions", type=int, default=Shape.revisions)
    parser.add_argument("--kilobytes", type=int, default=Shape.kilobytes)
    args = parser.parse_args()
    generate(args.target, Shape(args.policies, args.revisions, args.kilobytes))


if __name__ == "__main__":
    main()
