"""`blocks.split` keeps few split texts, bounded by their size and by their number: a
worker redlining a thousand versions of a 200 KB policy held 430 MB of them when 512 were
kept, and one redlining 300 versions of 12 KB was 8 MB larger keeping them all."""

from __future__ import annotations

from policydocs.redline import blocks

PARAGRAPH = "The customer may end the agreement at any time by notice. " * 8


def _texts(count: int, size: int) -> list[str]:
    return [f"# Version {n}\n\n" + (PARAGRAPH + "\n\n") * (size // 480) for n in range(count)]


def test_split_texts_are_kept_within_a_size_and_the_newest_stay() -> None:
    blocks.split.cache_clear()
    texts = _texts(60, 400_000)
    assert len(texts) * len(texts[0]) > 1.4 * blocks.SPLIT_CACHE_CHARS
    first = [blocks.split(text) for text in texts]
    cache = blocks.split.cache
    assert 0.9 * blocks.SPLIT_CACHE_CHARS < cache.currsize <= blocks.SPLIT_CACHE_CHARS
    assert blocks.split(texts[-1]) is first[-1]  # the newest kept
    assert blocks.split(texts[0]) is not first[0]  # the oldest let go
    assert blocks.join(*blocks.split(texts[0])) == texts[0]
    blocks.split.cache_clear()


def test_few_small_texts_are_kept_however_small() -> None:
    blocks.split.cache_clear()
    texts = _texts(3 * blocks.SPLIT_CACHE_TEXTS, 12_000)
    assert len(texts) * len(texts[0]) < blocks.SPLIT_CACHE_CHARS  # (all would fit by size)
    first = [blocks.split(text) for text in texts]
    assert len(blocks.split.cache) == blocks.SPLIT_CACHE_TEXTS
    newest = -blocks.SPLIT_CACHE_TEXTS
    assert all(blocks.split(t) is f for t, f in zip(texts[newest:], first[newest:], strict=True))
    assert blocks.split(texts[0]) is not first[0]
    blocks.split.cache_clear()
