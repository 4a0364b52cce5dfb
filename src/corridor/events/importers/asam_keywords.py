"""ASAM's keyword search over a whole column: ``AsamKeywords.matched`` for many texts.

The row logic walks each description's words in Python (10 µs a description). Here
the words of a whole block are cut in Arrow, each distinct word is looked up once
(``AsamKeywords.piece``, the row logic's own), and the walk's rules run as numpy
operations over every word at once:

* at each word that can start a keyword, the longest keyword that goes on in the
  same clause (its later words match, no clause ends or opens between) is chosen;
* left to right, a chosen keyword takes the words it spans, so a keyword starting
  inside them is skipped (worked out by repeating until nothing changes: each round
  settles at least the next keyword of every chain);
* a keyword counts unless one of the three words before it, in the same clause,
  negates it.

Lower-casing stays in Python (``str.lower`` has rules Arrow's does not) and words are
split on exactly the characters ``str.split`` splits on, so every text is read the
way the row logic reads it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from corridor.events.importers.asam import AsamKeywords, KeywordPiece

__all__ = ["KeywordColumns"]

_MEMO_LIMIT = 200_000  # distinct words remembered across blocks


class KeywordColumns:
    """The categories each text of a column mentions, as bit masks (bit i: category i)."""

    def __init__(self, keywords: AsamKeywords) -> None:
        self._keywords = keywords
        found = sorted(set(keywords.keywords), key=lambda k: (k.category, k.words, k.stem))
        self._ids = {k: i for i, k in enumerate(found)}
        self._width = np.array([len(k.words) for k in found] or [1], np.int64)
        self._category = np.array([k.category for k in found] or [0], np.int64)
        # A slot is one later word of a keyword: (word, whether it is the stem at the end).
        slots: dict[tuple[str, bool], int] = {}
        self._longest = max([len(k.words) for k in found] or [1])
        self._slot = np.full((len(found) or 1, self._longest), -1, np.int64)
        for k in found:
            for offset in range(1, len(k.words)):
                stem = k.stem and offset == len(k.words) - 1
                key = (k.words[offset], stem)
                self._slot[self._ids[k], offset] = slots.setdefault(key, len(slots))
        self._slots = list(slots)
        self._memo: dict[str, tuple[KeywordPiece, np.ndarray]] = {}

    def _meaning(self, piece: str) -> tuple[KeywordPiece, np.ndarray]:
        """A word's meaning, and which slots it fills."""
        found = self._memo.get(piece)
        if found is None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            meaning = self._keywords.piece(piece)
            bare = meaning.bare
            fills = np.array(
                [bare.startswith(w) if stem else bare == w for w, stem in self._slots], bool
            )
            found = self._memo[piece] = (meaning, fills)
        return found

    def masks(self, texts: pa.Array) -> np.ndarray:
        """The categories of each text (``AsamKeywords.matched``), one bit each."""
        size = len(texts)
        masks = np.zeros(size, np.int64)
        split = pc.ascii_split_whitespace(_lowered(texts))
        words = pc.list_flatten(split)
        present = pc.not_equal(words, "")
        words = words.filter(present)
        if len(words) == 0:
            return masks
        row = pc.list_parent_indices(split).to_numpy()[present.to_numpy(zero_copy_only=False)]
        encoded = pc.dictionary_encode(words)
        code = encoded.indices.to_numpy().astype(np.int64)
        meanings = [self._meaning(p) for p in encoded.dictionary.to_pylist()]
        return self._walk(meanings, code, row, masks)

    def _walk(
        self,
        meanings: list[tuple[KeywordPiece, np.ndarray]],
        code: np.ndarray,
        row: np.ndarray,
        masks: np.ndarray,
    ) -> np.ndarray:
        options = max(len(m.keywords) for m, _ in meanings)
        if options == 0:
            return masks
        count = len(code)
        choices = np.full((len(meanings), options), -1, np.int64)
        for index, (meaning, _) in enumerate(meanings):
            for order, keyword in enumerate(meaning.keywords):
                choices[index, order] = self._ids[keyword]
        closes = np.array([m.closes for m, _ in meanings], bool)
        opens = np.array([m.opens for m, _ in meanings], bool)
        fills = np.stack([f for _, f in meanings]) if self._slots else None
        start = np.flatnonzero(choices[code, 0] >= 0)  # words that can start a keyword
        chosen = np.full(len(start), -1, np.int64)
        pending = np.arange(len(start))
        for order in range(options):  # the longest keyword that goes on, at each start
            keyword = choices[code[start[pending]], order]
            pending, keyword = pending[keyword >= 0], keyword[keyword >= 0]
            fits = np.ones(len(pending), bool)
            width = self._width[keyword]
            for offset in range(1, self._longest):
                check = np.flatnonzero(fits & (width > offset))
                if not len(check) or fills is None:
                    break
                first = start[pending[check]]
                later = first + offset
                at = np.minimum(later, count - 1)
                slot = self._slot[keyword[check], offset]
                fits[check] = (
                    (later < count)
                    & (row[at] == row[first])
                    & ~closes[code[at - 1]]
                    & ~opens[code[at]]
                    & fills[code[at], slot]
                )
            chosen[pending[fits]] = keyword[fits]
            pending = pending[~fits]
            if not len(pending):
                break
        active = chosen >= 0
        start, chosen = start[active], chosen[active]
        taken = self._taken(start, self._width[chosen], row, count)
        start, chosen = start[taken], chosen[taken]
        negation = np.array([m.bare in self._keywords.negations for m, _ in meanings], bool)
        counted = ~self._negated(start, row, code, closes, opens, negation)
        bits = np.left_shift(1, self._category[chosen[counted]])
        np.bitwise_or.at(masks, row[start[counted]], bits)
        return masks

    def _taken(
        self, start: np.ndarray, width: np.ndarray, row: np.ndarray, count: int
    ) -> np.ndarray:
        """Which chosen keywords the left-to-right walk takes: none inside an earlier one.

        A start can only be inside a keyword that starts a few words before it, in its
        text; which of those are taken is settled by repeating until nothing changes
        (each round settles at least the next start of every chain)."""
        taken = np.ones(len(start), bool)
        if not (width > 1).any():
            return taken
        before: list[tuple[int, np.ndarray, np.ndarray]] = []  # (words back, which, where)
        for back in range(1, self._longest):
            earlier = np.minimum(np.searchsorted(start, start - back), len(start) - 1)
            there = (start[earlier] == start - back) & (width[earlier] > back)
            there &= row[np.maximum(start - back, 0)] == row[start]
            if there.any():
                before.append((back, np.flatnonzero(there), earlier[there]))
        while True:
            covered = np.zeros(len(start), bool)
            for _back, which, earlier in before:
                covered[which] |= taken[earlier]
            if np.array_equal(~covered, taken):
                return taken
            taken = ~covered

    @staticmethod
    def _negated(
        start: np.ndarray,
        row: np.ndarray,
        code: np.ndarray,
        closes: np.ndarray,
        opens: np.ndarray,
        negation: np.ndarray,
    ) -> np.ndarray:
        """Whether one of the three words before each start, in its clause, negates it."""
        negated = np.zeros(len(start), bool)
        open_clause = np.ones(len(start), bool)
        for back in range(1, 4):
            before = start - back
            at = np.maximum(before, 0)
            open_clause &= (before >= 0) & (row[at] == row[start])
            open_clause &= ~closes[code[at]] & ~opens[code[np.minimum(at + 1, len(code) - 1)]]
            negated |= open_clause & negation[code[at]]
            open_clause &= ~negation[code[at]]
        return negated


def _lowered(texts: pa.Array) -> pa.Array:
    """Each text lower-cased, "/" and every whitespace a space, as the row logic sees it:
    ASCII text in Arrow, other text by ``str.lower`` and ``str.split`` (their own rules)."""
    ascii_text = pc.string_is_ascii(texts)
    lowered = pc.replace_substring_regex(pc.ascii_lower(texts), r"[/\x1c-\x1f]", " ")
    other = np.flatnonzero(~ascii_text.to_numpy(zero_copy_only=False))
    if not len(other):
        return lowered
    spelled = [" ".join(t.lower().replace("/", " ").split()) for t in texts.take(other).to_pylist()]
    mask = np.zeros(len(texts), bool)
    mask[other] = True
    return pc.replace_with_mask(lowered, pa.array(mask), pa.array(spelled, pa.string()))
