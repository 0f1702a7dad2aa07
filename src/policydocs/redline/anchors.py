"""Blocks aligned the way git's patience diff aligns lines: first the blocks that occur once
in each text, in the same order, then diff-match-patch only between them.

diff-match-patch's search over blocks costs the product of the two texts' blocks and the
number of changed ones: with every paragraph of a 2 MB text edited, half a second of a
redline's time went in finding that no block is common to both (issue 25, defect 9).
Anchors make that linear: texts with no block in common are one replacement at once, and
a heading kept between rewritten sections splits the search in two.

A block unique to both texts is the same block: matching it is what any diff would do,
save that diff-match-patch's clean-up may give up a one-block match between two changes
(a rule, a heading between two edited paragraphs), which is a kept block shown deleted
and inserted again; anchored, it stays.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

from policydocs.redline import tokens as tk


def diff(old: Sequence[str], new: Sequence[str], budget: tk.Budget) -> list[tk.Op]:
    """The blocks' diff (each block its source): equal, deleted and inserted runs."""
    if not set(old).intersection(new):
        runs = ((tk.Kind.DELETE, tuple(old)), (tk.Kind.INSERT, tuple(new)))
        return [tk.Op(kind, blocks) for kind, blocks in runs if blocks]
    ops: list[tk.Op] = []
    kept: list[str] = []  # (a run of anchors, one op)
    i = j = 0
    for a, b in [*_anchors(old, new), (len(old), len(new))]:
        if a > i or b > j:
            if kept:
                ops.append(tk.Op(tk.Kind.EQUAL, tuple(kept)))
                kept = []
            ops += tk.diff(old[i:a], new[j:b], budget)
        if a < len(old):
            kept.append(old[a])
        i, j = a + 1, b + 1
    if kept:
        ops.append(tk.Op(tk.Kind.EQUAL, tuple(kept)))
    return ops


def _anchors(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """(old index, new index) of blocks unique in both texts, the longest run of them in the
    same order in both (patience sorting: the longest increasing run of new indexes)."""
    old_counts, new_counts = Counter(old), Counter(new)
    where = {block: index for index, block in enumerate(new) if new_counts[block] == 1}
    pairs = [
        (index, where[block])
        for index, block in enumerate(old)
        if old_counts[block] == 1 and block in where
    ]
    tails: list[int] = []  # tails[k]: the smallest new index ending a run of k + 1
    ends: list[int] = []  # the pair (its index in `pairs`) ending that run
    before: list[int] = [-1] * len(pairs)
    for position, (_, new_index) in enumerate(pairs):
        k = bisect_left(tails, new_index)
        if k == len(tails):
            tails.append(new_index)
            ends.append(position)
        else:
            tails[k], ends[k] = new_index, position
        before[position] = ends[k - 1] if k else -1
    run = []
    position = ends[-1] if ends else -1
    while position >= 0:
        run.append(pairs[position])
        position = before[position]
    return run[::-1]
