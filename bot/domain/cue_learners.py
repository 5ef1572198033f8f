"""Surface-only predictors of the expected decision, scored with leave-one-out.

Each learner sees the other scenarios of a pool and predicts the held-out one
from something on the card other than its facts: the policy excerpt's shape, the
title's words, ggen's line, the length. If any of them scores well, the library
can be passed without reading the facts (issue 12). Pure functions, no I/O.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.domain.vocab import VERDICTS

Row = dict[str, str]  # feature name -> value, for one scenario
_STOP = "a an and the of for to in on at by with from or as is be after before during its into via per"
STOPWORDS = frozenset(re.findall(r"[a-z]+", _STOP))


@dataclass(frozen=True)
class Example:
    """What a surface rule may look at, and the answer it tries to guess."""

    features: Row
    title: str
    ggen: str | None
    expected: str


@dataclass(frozen=True)
class Score:
    name: str
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def majority(labels: Sequence[str], prior: Sequence[str] = ()) -> str:
    """The most frequent label; ties go to the one more frequent in ``prior``, then VERDICTS order."""
    counts, base = Counter(labels), Counter(prior)
    return max(VERDICTS, key=lambda v: (counts[v], base[v], -VERDICTS.index(v)))


Predict = Callable[[Sequence[Example], Example], str]


def leave_one_out(name: str, examples: Sequence[Example], predict: Predict) -> Score:
    """Train on all but one, predict that one, for each example in turn."""
    correct = 0
    for index, held in enumerate(examples):
        rest = [e for i, e in enumerate(examples) if i != index]
        correct += predict(rest, held) == held.expected
    return Score(name, correct, len(examples))


def lookup(*keys: str) -> Predict:
    """The majority answer among training examples with the same values of ``keys``.

    An unseen combination backs off to the first key alone, then to the overall majority.
    """

    def predict(train: Sequence[Example], held: Example) -> str:
        labels = [e.expected for e in train]
        for width in range(len(keys), 0, -1):
            used = keys[:width]
            same = [e.expected for e in train if all(e.features[k] == held.features[k] for k in used)]
            if same:
                return majority(same, labels)
        return majority(labels)

    return predict


def naive_bayes(keys: Sequence[str]) -> Predict:
    """Categorical naive Bayes over ``keys`` with add-one smoothing."""

    def predict(train: Sequence[Example], held: Example) -> str:
        labels = [e.expected for e in train]
        prior = Counter(labels)

        def log_score(verdict: str) -> float:
            mine = [e for e in train if e.expected == verdict]
            score = math.log((prior[verdict] + 1) / (len(train) + len(VERDICTS)))
            for key in keys:
                values = {e.features[key] for e in train} | {held.features[key]}
                hits = sum(1 for e in mine if e.features[key] == held.features[key])
                score += math.log((hits + 1) / (len(mine) + len(values)))
            return score

        return max(VERDICTS, key=lambda v: (log_score(v), prior[v], -VERDICTS.index(v)))

    return predict


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS and len(w) > 1]


def title_bayes(train: Sequence[Example], held: Example) -> str:
    """Multinomial naive Bayes on the title's words."""
    labels = [e.expected for e in train]
    prior = Counter(labels)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for e in train:
        counts[e.expected].update(words(e.title))
    vocabulary = {w for c in counts.values() for w in c} | set(words(held.title))

    def log_score(verdict: str) -> float:
        total = sum(counts[verdict].values())
        score = math.log((prior[verdict] + 1) / (len(train) + len(VERDICTS)))
        for word in words(held.title):
            score += math.log((counts[verdict][word] + 1) / (total + len(vocabulary)))
        return score

    return max(VERDICTS, key=lambda v: (log_score(v), prior[v], -VERDICTS.index(v)))


def title_neighbour(train: Sequence[Example], held: Example) -> str:
    """The answer of the training title sharing the most words (Jaccard); ties by majority."""
    mine = set(words(held.title))

    def similarity(e: Example) -> float:
        theirs = set(words(e.title))
        return len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0

    best = max((similarity(e) for e in train), default=0.0)
    nearest = [e.expected for e in train if similarity(e) == best]
    return majority(nearest, [e.expected for e in train])


def follow_ggen(train: Sequence[Example], held: Example) -> str:
    """Do what ggen says; with no recommendation, the most common answer."""
    return held.ggen or majority([e.expected for e in train])
