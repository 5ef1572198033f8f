"""Reading an alert for the live-decision form: a short title, and a guess at its category.

The *Handle as exception* shortcut prefills the form from the alert. Alerts open with emoji,
bracketed states (``[FIRING:1]``) and long first lines; the title keeps the first sentence,
at most :data:`TITLE_PREFILL` characters, cut between words and without an ellipsis. The
category is guessed from keywords: the words of each category's name and signals in
``categories.yaml``, a word counting more the fewer categories share it. The engineer can
change both; a guess too weak to be useful is left blank.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from bot.domain.categories import CategorySpec

TITLE_PREFILL = 80
_SHORTCODE = re.compile(r":[a-z0-9_+'-]+:")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]")
_NOISE = re.compile(
    r"^(?:\s*(?:\[[^\]]{1,40}\]|\((?:firing|resolved|alert)[^)]*\)|(?:alert|firing|warning)\s*:))+", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
# Words too common in signals to tell categories apart.
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "what",
        "when",
        "who",
        "whose",
        "which",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "not",
        "but",
        "any",
        "all",
        "its",
        "their",
        "them",
        "they",
        "than",
        "then",
        "there",
        "into",
        "onto",
        "out",
        "own",
        "one",
        "two",
        "three",
        "only",
        "also",
        "even",
        "more",
        "most",
        "less",
        "same",
        "such",
        "each",
        "every",
        "other",
        "another",
        "does",
        "did",
        "done",
        "can",
        "could",
        "would",
        "should",
        "will",
        "may",
        "might",
        "must",
        "been",
        "being",
        "being",
        "about",
        "after",
        "before",
        "over",
        "under",
        "again",
        "once",
        "here",
        "where",
        "while",
        "ask",
        "asks",
        "asked",
        "asking",
        "request",
        "requested",
        "requests",
        "requester",
        "someone",
        "something",
        "nothing",
        "team",
        "teams",
        "whether",
        "without",
        "because",
        "still",
        "just",
        "like",
    ]
)
_DANGLING = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "for",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
    ]
)
MIN_SCORE = 1.0  # about two distinctive words, or one in the category's own name


def short_title(line: str, *, limit: int = TITLE_PREFILL) -> str:
    """``line`` without emoji and alert noise, cut at its first sentence or between words."""
    text = _EMOJI.sub("", _SHORTCODE.sub("", line))
    text = _NOISE.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" >•-|:;,")
    end = _SENTENCE_END.search(text)
    if end is not None and end.start() <= limit:
        text = text[: end.start()]
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        text = text[: cut if cut >= limit // 2 else limit]
    words = text.rstrip(" .,;:-(").split(" ")
    while len(words) > 1 and words[-1].lower() in _DANGLING:  # "… for a" reads as cut off
        words.pop()
    return " ".join(words).rstrip(" .,;:-(")


def _stem(word: str) -> str:
    """Plural and singular alike (replicas, replica), nothing cleverer."""
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in STOPWORDS}


def category_keywords(categories: Sequence[CategorySpec]) -> dict[str, dict[str, float]]:
    """Per category, each keyword's weight over how many categories use it.

    Name words weigh 2, signal words 1 and description words 0.5.
    """
    tiers = [
        {c.id: _words(f"{c.name} {c.id.replace('_', ' ')}") for c in categories},
        {c.id: _words(" ".join(c.signals)) for c in categories},
        {c.id: _words(c.description) for c in categories},
    ]
    spread = Counter(w for c in categories for w in set().union(*(t[c.id] for t in tiers)))
    out: dict[str, dict[str, float]] = {}
    for c in categories:
        weights: dict[str, float] = {}
        for tier, weight in zip(tiers, (2.0, 1.0, 0.5), strict=True):
            for w in tier[c.id]:
                weights.setdefault(w, weight / spread[w])
        out[c.id] = weights
    return out


def guess_category(text: str, categories: Sequence[CategorySpec]) -> str | None:
    """The category whose keywords ``text`` matches best, or None when no guess is clear enough."""
    words = _words(text)
    if not words:
        return None
    scores = sorted(
        (
            (sum(weights.get(w, 0.0) for w in words), cid)
            for cid, weights in category_keywords(categories).items()
        ),
        reverse=True,
    )
    if not scores or scores[0][0] < MIN_SCORE:
        return None
    if len(scores) > 1 and scores[1][0] >= scores[0][0] * 0.9:
        return None  # a near tie: let the engineer choose
    return scores[0][1]
