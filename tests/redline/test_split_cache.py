"""`blocks.split` keeps split texts by their size, not their number: a worker redlining a
thousand versions of a 200 KB policy held 430 MB of them when 512 were kept."""

from __future__ import annotations

from policydocs.redline import blocks


def test_split_texts_are_kept_within_a_size_and_the_newest_stay() -> None:
    blocks.split.cache_clear()
    paragraph = "The customer may end the agreement at any time by notice. " * 8
    size = 400_000
    texts = [f"# Version {n}\n\n" + (paragraph + "\n\n") * (size // 480) for n in range(60)]
    assert len(texts) * len(texts[0]) > 1.4 * blocks.SPLIT_CACHE_CHARS
    first = [blocks.split(text) for text in texts]
    cache = blocks.split.cache
    assert 0.9 * blocks.SPLIT_CACHE_CHARS < cache.currsize <= blocks.SPLIT_CACHE_CHARS
    assert blocks.split(texts[-1]) is first[-1]  # the newest kept
    assert blocks.split(texts[0]) is not first[0]  # the oldest let go
    assert blocks.join(*blocks.split(texts[0])) == texts[0]
    blocks.split.cache_clear()
