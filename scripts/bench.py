"""Benchmarks for policydocs, reported as ratios against baselines measured in the same run.

worst redlines: pairs up to 1 MB made to be as costly as possible (a 50,000-character
paragraph with every other word changed, every paragraph rewritten, every other word of
every paragraph, one 1 MB paragraph), each checked exact (accepting every change gives the
new text, rejecting every change the old) and timed against the floor any redline pays in
the same run: splitting both texts into blocks and word tokens. Target: each <= 2 s.

every paragraph: a 2 MB text with one word of every paragraph changed (the case that was
quadratic: 35 s, issue 25), checked exact and timed. Target: <= 3 s.

corpus: words marked on each real revision pair of tests/redline/corpus/ against `git
diff --word-diff` of the same pair (see corpus_bench.py). Targets: <= 1.05x in total,
<= 1.5x on the worst pair.

redline: one ~100 KB policy pair, with scattered edits and with every paragraph edited,
against character-level diff-match-patch with semantic cleanup (default 1 s timeout, as it
is usually run), difflib on words, and the `redlines` package, each on the same pair; with
the number of change spans each produces. policydocs is timed cold (no cached parse).

build, for each preset (small, default, large: --presets): the full `mkdocs build` of a
synthetic repository with policydocs, against the floor (a plain `mkdocs build` of the same
pages) in interleaved pairs (floor, ours, floor, ours...: --pairs, 3 by default), each
pair's ratio taken and the median reported with their spread (this machine's disk and
neighbours move a single run by 5-25%); the engine's work in a rebuild after one more
revision, cache warm, against the floor (--rebuilds: 3, or 1 for the large preset); peak
memory against the floor's; and the editor's loop under `mkdocs serve --dirty`: its start,
and from saving a policy to its draft page showing the saved text (see build_bench.py).

history: reading every revision of every policy. policydocs uses one `git log` walk plus one
`git cat-file --batch` process; the baseline is the common plugin approach of one `git log`
per file and one `git show` per version. Both read the same blobs; the run checks that they
agree before it reports anything.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import build_bench
import corpus_bench
import fixture_bench
from diff_match_patch import diff_match_patch
from synthetic_repo import WORDS, Shape, _document, _edit, generate

from policydocs.core.settings import Settings
from policydocs.history.catalog import load_catalog
from policydocs.history.git import GitHistory
from policydocs.history.selection import Selection
from policydocs.redline import blocks, markup, tokens
from policydocs.redline.engine import redline

#: The issue's targets on a 2-core machine, in milliseconds.
TARGETS_MS = {"scattered": 10.0, "every paragraph": 200.0}
#: Any redline of a pair up to 1 MB, in seconds (the integrity issue's target).
WORST_TARGET_S = 2.0
EVERY_PARAGRAPH_TARGET_S = 3.0
#: Full-build targets: (figure, limit, what it is).
BUILD_TARGETS = [
    ("full_over_floor", 1.25, "full build / plain MkDocs floor"),
    ("engine_share", 0.25, "engine stages waited for / full build"),
    ("rebuild_engine_over_floor", 0.05, "engine work after one revision / floor"),
    ("memory_over_floor", 1.5, "peak memory (process tree) / floor's"),
    ("preview_seconds", 3.0, "save to draft page with redline (s)"),
    ("serve_start_over_floor", 1.5, "serve --dirty start, cache warm / floor"),
]
BUILD_RUNS = {
    "floor": "plain MkDocs (floor)",
    "cold": "policydocs, cold",
    "rebuild": "after one revision",
}
#: Shapes: policies x revisions of each x kilobytes of each. `long`: few, long,
#: often-revised documents, the shape whose build once took 3.7 GB (11 x 1,328 revisions).
PRESETS = {
    "small": (10, 30, 12),
    "default": (20, 50, 12),
    "large": (200, 50, 12),
    "long": (2, 1000, 200),
}
#: Floor and cold pairs, and rebuilds, of presets whose builds take minutes each (unless
#: --pairs or --rebuilds say): a `long` floor build alone takes about 11 minutes here.
SLOW_RUNS = {"large": (3, 1), "long": (1, 1)}
#: Peak memory (process tree, MB) a preset must build within, whatever the floor's.
PEAK_MB_TARGETS = {"long": 1500}


def _git_processes(trace: Path) -> int:
    return sum("trace: built-in: git" in line for line in trace.read_text().splitlines())


def _timed(run, trace: Path) -> tuple[float, int, object]:
    trace.write_text("")
    os.environ["GIT_TRACE"] = str(trace)
    try:
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
    finally:
        del os.environ["GIT_TRACE"]
    return elapsed, _git_processes(trace), result


def read_with_policydocs(repo: Path) -> dict[str, list[bytes]]:
    texts: dict[str, list[bytes]] = {}
    with GitHistory(repo) as history:
        changes = history.changes(Selection(history.relative(repo / "policies")))
        read = [c for c in changes if c.blob and c.blob != c.old_blob]
        for change, (_, data) in zip(read, history.blobs([c.blob for c in read]), strict=True):
            texts.setdefault(change.path, []).append(data)
    return texts


def read_per_version(repo: Path) -> dict[str, list[bytes]]:
    """The baseline: `git log` per file, `git show` per version (first parent, oldest first)."""

    def git(*args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True).stdout

    texts: dict[str, list[bytes]] = {}
    for path in sorted((repo / "policies").glob("*.md")):
        rel = path.relative_to(repo).as_posix()
        shas = git("log", "--first-parent", "--reverse", "--format=%H", "--", rel).split()
        texts[rel] = [git("show", f"{sha.decode()}:{rel}") for sha in shas]
    return texts


def bench_history(repo: Path, trace: Path) -> dict[str, object]:
    ours_s, ours_procs, ours = _timed(lambda: read_with_policydocs(repo), trace)
    base_s, base_procs, base = _timed(lambda: read_per_version(repo), trace)
    if ours != base:
        raise SystemExit("history benchmark: the two readers disagree; not reporting")
    settings = Settings(policies_dir=repo / "policies", as_of=datetime(2100, 1, 1, tzinfo=UTC))
    catalog_s, _, (catalog, _) = _timed(lambda: load_catalog(settings), trace)
    versions = sum(len(p.versions) for p in catalog.policies)
    return {
        "versions": versions,
        "policydocs_seconds": round(ours_s, 4),
        "policydocs_git_processes": ours_procs,
        "per_version_seconds": round(base_s, 4),
        "per_version_git_processes": base_procs,
        "speedup": round(base_s / ours_s, 1),
        "catalog_seconds": round(catalog_s, 4),
    }


def policy_pair(kilobytes: int = 100, seed: int = 11) -> dict[str, tuple[str, str]]:
    """A policy of ~`kilobytes` KB, and two edited versions of it."""
    rng = random.Random(seed)
    original = _document(rng, kilobytes)
    scattered = original
    for _ in range(4):
        scattered = _edit(rng, scattered)
    every = []
    for block in original:
        words = block.split(" ")
        if not block.startswith("#"):
            for _ in range(2):
                words[rng.randrange(len(words))] = rng.choice(WORDS)
        every.append(" ".join(words))

    def text(doc: list[str]) -> str:
        return "\n\n".join(doc) + "\n"

    return {
        "scattered": (text(original), text(scattered)),
        "every paragraph": (text(original), text(every)),
    }


def _best_of(run, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def _ours(old: str, new: str) -> int:
    blocks.split.cache_clear()
    blocks._leaves.cache_clear()
    return len(re.findall(r"<(?:ins|del)[ >]", redline(old, new).markdown))


def _char_level(old: str, new: str) -> int:
    engine = diff_match_patch()
    diffs = engine.diff_main(old, new)
    engine.diff_cleanupSemantic(diffs)
    return sum(1 for kind, _ in diffs if kind)


def _difflib_words(old: str, new: str) -> int:
    matcher = difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False)
    return sum(1 for tag, *_ in matcher.get_opcodes() if tag != "equal")


def _redlines_package(old: str, new: str) -> int:
    from redlines import Redlines

    output = Redlines(old, new, markdown_style="none").output_markdown
    return len(re.findall(r"<(?:ins|del)[ >]", output))


def bench_redline(repeat: int) -> dict[str, object]:
    methods = {
        "policydocs": _ours,
        "dmp char + cleanupSemantic": _char_level,
        "difflib on words": _difflib_words,
        "redlines package": _redlines_package,
    }
    figures: dict[str, object] = {}
    for case, (old, new) in policy_pair().items():
        rows = {}
        for name, method in methods.items():
            try:
                seconds, spans = _best_of(lambda m=method, a=old, b=new: m(a, b), repeat)
            except ImportError:
                rows[name] = None
                continue
            rows[name] = {"ms": round(seconds * 1000, 2), "spans": spans}
        base = rows["policydocs"]["ms"]
        for row in rows.values():
            if row is not None:
                row["ratio"] = round(row["ms"] / base, 2)
        figures[case] = {"bytes": len(new.encode()), "methods": rows}
    return figures


def worst_pairs(kilobytes: int = 1024, seed: int = 7) -> dict[str, tuple[str, str]]:
    """Pairs of `kilobytes` KB (one of 50,000 characters) that cost a redline most."""
    rng = random.Random(seed)

    def paragraph(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words))

    def every_other(text: str) -> str:
        return " ".join(w if n % 2 else w + "x" for n, w in enumerate(text.split(" ")))

    paragraphs = [paragraph(60) for _ in range(kilobytes * 1024 // 420)]
    long = paragraph(8000)[:50_000]
    one = paragraph(kilobytes * 1024 // 6)

    def text(parts: list[str]) -> str:
        return "\n\n".join(parts) + "\n"

    return {
        "a 50,000-character paragraph, every other word": (long + "\n", every_other(long) + "\n"),
        "every paragraph rewritten": (text(paragraphs), text([paragraph(60) for _ in paragraphs])),
        "every other word of every paragraph": (
            text(paragraphs),
            text([every_other(p) for p in paragraphs]),
        ),
        "one paragraph, every other word": (one + "\n", every_other(one) + "\n"),
    }


def _floor(old: str, new: str) -> None:
    """What any redline of the pair does: split both texts into blocks and word tokens."""
    blocks.split.cache_clear()
    blocks._leaves.cache_clear()
    for text in (old, new):
        for block in blocks.split(text)[0]:
            tokens.tokenize(block.content)


def bench_worst(kilobytes: int) -> dict[str, object]:
    figures: dict[str, object] = {}
    for case, (old, new) in worst_pairs(kilobytes).items():
        floor, _ = _best_of(lambda a=old, b=new: _floor(a, b), 1)
        blocks.split.cache_clear()
        blocks._leaves.cache_clear()
        start = time.perf_counter()
        change = redline(old, new)
        seconds = time.perf_counter() - start
        exact = markup.accept(change.markdown) == new and markup.reject(change.markdown) == old
        if not exact:
            raise SystemExit(f"worst redlines: {case}: not exact; not reporting")
        figures[case] = {
            "bytes": len(new.encode()),
            "seconds": round(seconds, 3),
            "floor_seconds": round(floor, 3),
            "over_floor": round(seconds / floor, 1),
        }
    return figures


def bench_every_paragraph(kilobytes: int = 2048, seed: int = 3) -> dict[str, object]:
    """A text of `kilobytes` KB, one word of each of its paragraphs changed."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < kilobytes * 1024:
        paragraphs.append(" ".join(rng.choice(WORDS) for _ in range(60)))
        size += len(paragraphs[-1]) + 2

    def edited(paragraph: str) -> str:
        words = paragraph.split(" ")
        words[rng.randrange(len(words))] += "ed"
        return " ".join(words)

    old = "\n\n".join(paragraphs) + "\n"
    new = "\n\n".join(map(edited, paragraphs)) + "\n"
    blocks.split.cache_clear()
    blocks._leaves.cache_clear()
    start = time.perf_counter()
    change = redline(old, new)
    seconds = time.perf_counter() - start
    if markup.accept(change.markdown) != new or markup.reject(change.markdown) != old:
        raise SystemExit("every paragraph: not exact; not reporting")
    return {"bytes": len(new.encode()), "paragraphs": len(paragraphs), "seconds": round(seconds, 3)}


def bench_build(repo: Path, work: Path, pairs: int, rebuilds: int, saves: int) -> dict:
    """Floor and cold full build in `pairs` interleaved pairs (so that a slow spell of the
    machine falls on both), each in its own process; `rebuilds` rebuilds after one more
    revision each; then the editor's loop (`saves` saves) on that cache. Every run writes to
    folders of its own: when each run deleted the last one's thousands of files first
    (MkDocs cleaning its site folder, the bench emptying the cache), the first run of each
    kind was the fastest (floor 38.1 s against 39.7 and 39.8; cold 46.8 s against 52.2)."""
    floor_config = build_bench.write_floor(repo, work / "floor")
    floors, colds, warms = [], [], []
    for n in range(pairs):
        floors.append(build_bench.measure(floor_config, work / f"floor-site-{n}"))
        config = build_bench.write_site(repo, f".cache/cold-{n}")
        colds.append(build_bench.measure(config, work / f"site-cold-{n}"))
    for n in range(rebuilds):  # on the last cold run's cache
        build_bench.add_revision(repo)
        warms.append(build_bench.measure(config, work / f"site-warm-{n}"))
    preview = build_bench.preview_loop(repo, config, saves)
    floor, cold, warm = _median(floors), _median(colds), _median(warms)
    paired = list(zip(floors, colds, strict=True))
    runs = {
        "full_over_floor": [c["seconds"] / f["seconds"] for f, c in paired],
        "engine_share": [_waited(c) / c["seconds"] for c in colds],
        "rebuild_engine_over_floor": [_work(w) / floor["seconds"] for w in warms],
        "memory_over_floor": [c["peak_mb"] / f["peak_mb"] for f, c in paired],
        "preview_seconds": preview["save_seconds"],
        "serve_start_over_floor": [preview["start_seconds"] / floor["seconds"]],
    }
    figures = {"floor": floor, "cold": cold, "rebuild": warm, "preview": preview}
    for key, values in runs.items():  # the median, and every run's figure
        figures[key] = round(statistics.median(values), 3)
        figures[f"{key}_runs"] = [round(value, 3) for value in values]
    return figures


def _median(runs: list[dict]) -> dict:
    """The run of median wall time (its stages with it), with the median peak memory and
    every run's wall time."""
    run = dict(sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2])
    run["peak_mb"] = statistics.median(r["peak_mb"] for r in runs)
    run["all_seconds"] = [round(r["seconds"], 2) for r in runs]
    return run


def _waited(run: dict) -> float:
    """Seconds the build spent in the engine's stages (what it waited for)."""
    return sum(seconds for stage, seconds in run["engine"].items() if stage != "background")


def _work(run: dict) -> float:
    """The engine's whole work: its stages, plus the processor time of its workers (which
    overlaps MkDocs rendering, so it is not part of the build's wait)."""
    return _waited(run) + run["engine"].get("background", 0.0)


def _print_build(name: str, shape: str, b: dict) -> None:
    print(f"build, {name} preset ({shape}): {b['cold']['pages']} pages")
    feed = b["cold"].get("site_feed_bytes")
    if feed is not None:  # target: under 1 MB, which every common reader accepts
        verdict = "met" if feed < 1_000_000 else "MISSED"
        print(f"  site-wide atom.xml: {feed / 1e6:.2f} MB (target < 1 MB: {verdict})")
    print(f"  {'':<22} {'seconds':>8} {'peak MB':>8} {'main MB':>8}   engine stages (s)")
    for run_name in ("floor", "cold", "rebuild"):
        run = b[run_name]
        stages = ", ".join(f"{k} {v:.2f}" for k, v in run["engine"].items()) or "-"
        label = BUILD_RUNS[run_name]
        print(
            f"  {label:<22} {run['seconds']:8.2f} {run['peak_mb']:8.0f} "
            f"{run['main_peak_mb']:8.0f}   {stages}"
        )
    print(
        "  (the median of each build's runs, by wall time; peak MB: the process tree's "
        "summed PSS, sampled, median of the runs; main MB: the build process's peak RSS; "
        "background: workers' CPU seconds, overlapping MkDocs)"
    )
    for run_name in ("floor", "cold", "rebuild"):
        runs = ", ".join(map(str, b[run_name]["all_seconds"]))
        print(f"  {BUILD_RUNS[run_name]:<22} runs: {runs} s")
    preview = b["preview"]
    print(
        f"  mkdocs serve --dirty: started in {preview['start_seconds']:.1f} s; first save "
        f"(a new draft: its policy's pages rebuilt) {preview['first_save_seconds']:.1f} s"
    )
    for key, limit, text in BUILD_TARGETS:
        verdict = "met" if b[key] <= limit else "MISSED"
        runs = ", ".join(map(str, b[f"{key}_runs"]))
        print(f"  {text:<42} {b[key]:7.3f}  (target <= {limit}: {verdict}; runs: {runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--presets", default=",".join(PRESETS), help="comma-separated, of: " + ", ".join(PRESETS)
    )
    parser.add_argument("--repeat", type=int, default=5, help="best of N for redline timings")
    parser.add_argument(
        "--worst-kilobytes", type=int, default=1024, help="size of the worst redline pairs"
    )
    parser.add_argument("--skip-build", action="store_true", help="no full-build benchmark")
    parser.add_argument("--pairs", type=int, help="floor and full build pairs (default 3; long: 1)")
    parser.add_argument("--rebuilds", type=int, help="rebuilds (default 3; large, long: 1)")
    parser.add_argument("--saves", type=int, default=5, help="timed saves in the preview loop")
    parser.add_argument(
        "--skip-fixtures", action="store_true", help="no builds of the real repositories"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    presets = args.presets.split(",")
    unknown = set(presets) - set(PRESETS)
    if unknown:
        parser.error(f"unknown presets: {', '.join(sorted(unknown))}")
    figures: dict[str, object] = {
        "worst redlines": bench_worst(args.worst_kilobytes),
        "every paragraph": bench_every_paragraph(),
        "corpus": corpus_bench.bench_corpus(),
        "redline": bench_redline(args.repeat),
        "presets": {},
    }
    with tempfile.TemporaryDirectory(prefix="policydocs-bench-") as tmp:
        for name in presets:
            shape = Shape(*PRESETS[name])
            work = Path(tmp) / name
            repo = generate(work / "repo", shape)
            preset: dict[str, object] = {"shape": _shape(shape)}
            preset["history"] = bench_history(repo, work / "trace.log")
            if not args.skip_build:
                pairs, rebuilds = SLOW_RUNS.get(name, (3, 3))
                preset["build"] = bench_build(
                    repo, work, args.pairs or pairs, args.rebuilds or rebuilds, args.saves
                )
            figures["presets"][name] = preset
        if not args.skip_fixtures and fixture_bench.available():
            figures["fixtures"] = fixture_bench.bench_fixtures(Path(tmp), args.pairs or 3)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    _print_redlines(figures)
    corpus_bench.print_corpus(figures["corpus"])
    for name, preset in figures["presets"].items():
        h = preset["history"]
        print(f"history, {name} preset ({preset['shape']}): {h['versions']} versions")
        for reader, key in (("policydocs", "policydocs"), ("per-version", "per_version")):
            seconds, processes = h[f"{key}_seconds"], h[f"{key}_git_processes"]
            print(f"  {reader:<12} {seconds:8.3f} s  {processes:5} git processes")
        print(f"  ratio: per-version / policydocs = {h['speedup']}x")
        print(f"  full catalog (history + front matter + statuses): {h['catalog_seconds']:.3f} s")
        if "build" in preset:
            _print_build(name, preset["shape"], preset["build"])
            if name in PEAK_MB_TARGETS:
                peak, limit = preset["build"]["cold"]["peak_mb"], PEAK_MB_TARGETS[name]
                verdict = "met" if peak <= limit else "MISSED"
                print(f"  peak memory, cold: {peak:.0f} MB (target <= {limit} MB: {verdict})")
    for name, row in figures.get("fixtures", {}).items():
        print(f"{name}: {row['pages']} pages, {row['current_policies']} policies in force")
        for kind, runs in row["seconds"].items():
            over = f"  policydocs: {row['over'][kind]}x" if kind in row["over"] else ""
            print(
                f"  {kind:<14} {', '.join(map(str, runs))} s, peak {row['peak_mb'][kind]} MB{over}"
            )


def _shape(shape: Shape) -> str:
    return f"{shape.policies} policies x {shape.revisions} revisions of {shape.kilobytes} KB"


def _print_redlines(figures: dict) -> None:
    print(f"worst redlines (exact; target <= {WORST_TARGET_S:.0f} s each):")
    for case, row in figures["worst redlines"].items():
        verdict = "met" if row["seconds"] <= WORST_TARGET_S else "MISSED"
        print(
            f"  {case:<48} {row['bytes'] // 1024:5} KB {row['seconds']:7.2f} s"
            f"  x{row['over_floor']:<6} the floor ({row['floor_seconds']:.2f} s)  {verdict}"
        )
    every = figures["every paragraph"]
    verdict = "met" if every["seconds"] <= EVERY_PARAGRAPH_TARGET_S else "MISSED"
    print(
        f"every paragraph ({every['bytes'] // 1024} KB, one word of each of"
        f" {every['paragraphs']} paragraphs): {every['seconds']:.2f} s"
        f" (exact; target <= {EVERY_PARAGRAPH_TARGET_S:.0f} s: {verdict})"
    )
    for case, data in figures["redline"].items():
        print(f"redline, {case} ({data['bytes'] // 1024} KB):")
        for name, row in data["methods"].items():
            if row is None:
                print(f"  {name:<28} not installed")
                continue
            print(f"  {name:<28} {row['ms']:9.2f} ms  x{row['ratio']:<8} {row['spans']:6} spans")
        ours = data["methods"]["policydocs"]["ms"]
        verdict = "met" if ours <= TARGETS_MS[case] else "MISSED"
        print(f"  target <= {TARGETS_MS[case]:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
