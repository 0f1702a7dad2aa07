"""Which changed blocks pair up for a word diff, over the whole run of changed blocks.

Pairing used to give each old block the best new block among the next 8: a paragraph with
ten new ones inserted before it, edited only in its dashes, was shown deleted and
inserted whole, and a heading renamed 15 blocks away was two headings (issue 25, defect
4). Here every pair of blocks that could be one is weighed, and the heaviest set of pairs
in order is kept (no two pairs cross: greedy pairing by similarity alone misaligns
repeated legal boilerplate), as an alignment program aligns sequences.

Weighing every old block against every new one costs the product of their numbers (a
rewrite of 3,000 paragraphs: 9 million comparisons). So the blocks weighed against an
old block are those that share a word with it which few blocks of the run hold (as
patience diff trusts lines that occur once), and those near its place in the run. The
work is linear in the run's words; in a run of a few blocks every word is rare, and
every pair is weighed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

#: Two blocks pair up for a word diff when this share of their words is common (Dice).
SIMILAR = 0.5
#: A word held by at most this many new blocks of the run proposes their pairs.
RARE = 8
#: Of the blocks so proposed, an old block is weighed against those sharing most words.
PROPOSED = 8
#: And against the new blocks this near its own place in the run (scaled to its length).
NEAR = 4


def heaviest(
    old_keys: Sequence[frozenset[str]],
    new_keys: Sequence[frozenset[str]],
    weigh: Callable[[int, int], float | None],
) -> list[tuple[int, int]]:
    """The pairs (old index, new index), in order, none crossing another, whose weights
    (`weigh`: None for two blocks that cannot pair) add up most. `*_keys`: what proposes a
    pair (a block's words).

    Blocks edited in place (as many on each side, each able to pair with the one in its
    place) pair in place at once, without the search: a revision that edits every
    paragraph is such a run, and weighing all it proposes made a 2 MB one 20% slower."""
    if len(old_keys) == len(new_keys):
        in_place = [(i, i) for i in range(len(old_keys))]
        if all(weigh(i, k) is not None for i, k in in_place):
            return in_place
    weighed = [
        (i, k, weight)
        for i, k in _proposed(old_keys, new_keys)
        if (weight := weigh(i, k)) is not None
    ]
    return _chain(weighed, len(new_keys))


def _proposed(
    old_keys: Sequence[frozenset[str]], new_keys: Sequence[frozenset[str]]
) -> list[tuple[int, int]]:
    """The pairs worth weighing, sorted by old index then new index descending (as
    `_chain` takes them)."""
    holders: dict[str, list[int]] = {}
    for k, keys in enumerate(new_keys):
        for key in keys:
            holders.setdefault(key, []).append(k)
    proposed: list[tuple[int, int]] = []
    scale = len(new_keys) / max(len(old_keys), 1)
    for i, keys in enumerate(old_keys):
        shared: Counter[int] = Counter()
        for key in keys:
            found = holders.get(key, ())
            if len(found) <= RARE:
                shared.update(found)
        place = round(i * scale)
        near = range(max(place - NEAR, 0), min(place + NEAR + 1, len(new_keys)))
        chosen = {k for k, _ in shared.most_common(PROPOSED)}.union(near)
        proposed += ((i, k) for k in sorted(chosen, reverse=True))
    return proposed


def _chain(weighed: list[tuple[int, int, float]], size: int) -> list[tuple[int, int]]:
    """The heaviest chain of pairs increasing in both indexes: for each pair in turn, the
    heaviest chain ending before its new index (a Fenwick tree of maxima over new
    indexes). Pairs of one old block come by new index descending, so that no chain
    holds two of them."""
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)  # (weight, its last pair)
    before: list[int] = []
    totals: list[float] = []
    for position, (_, k, weight) in enumerate(weighed):
        best, index = 0.0, -1
        node = k  # (the chains ending at new indexes below k)
        while node > 0:
            if tree[node][0] > best:
                best, index = tree[node]
            node -= node & -node
        before.append(index)
        totals.append(best + weight)
        node = k + 1
        while node <= size:
            if totals[position] > tree[node][0]:
                tree[node] = (totals[position], position)
            node += node & -node
    position = max(range(len(totals)), key=totals.__getitem__, default=-1)
    chain: list[tuple[int, int]] = []
    while position >= 0:
        chain.append(weighed[position][:2])
        position = before[position]
    return chain[::-1]
