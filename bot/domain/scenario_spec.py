"""One scenario as written in its YAML file: the schema every file must satisfy to load.

The authoring rules on top of it (the policy grammar, identical quoting, pool
balance) live in ``bot.domain.library_rules``; they are what ``casebook scenarios
validate`` enforces, while loading at start-up only needs this schema.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from bot.domain.categories import Strict, Text
from bot.domain.vocab import Verdict

COMPLEXITIES = ("low", "medium", "high")
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]


class Pool(StrEnum):
    """Which deal a scenario belongs to: practice (and guides) or the held-out assessment."""

    PRACTICE = "practice"
    ASSESSMENT = "assessment"


class KeyPoint(Strict):
    """A point a good justification names; matched when any keyword appears (any case)."""

    point: Text
    keywords: Annotated[list[Text], Field(min_length=1)]


class Expected(Strict):
    decision: Verdict
    acceptable: list[Verdict] = Field(default_factory=list)


class ScenarioSpec(Strict):
    """One scenario as written in its YAML file (limits keep cards within Slack's)."""

    id: Slug
    pool: Pool
    title: Annotated[Text, Field(max_length=120)]
    category: Text
    complexity: Literal["low", "medium", "high"]
    requester: Annotated[Text, Field(max_length=200)]
    context: Annotated[Text, Field(max_length=2500)]
    policy: Annotated[Text, Field(max_length=2500)]
    facts: Annotated[list[Annotated[Text, Field(max_length=400)]], Field(min_length=1, max_length=12)]
    # ggen's call as the card shows it; absent (or "none") means ggen made no recommendation
    automation_recommendation: Literal["approve", "deny", "escalate", "none"] | None = None
    expected: Expected
    rationale: Annotated[Text, Field(max_length=2000)]
    key_points: Annotated[list[KeyPoint], Field(min_length=1, max_length=8)]
    mentor_notes: Annotated[Text, Field(max_length=2000)]

    @property
    def ggen(self) -> Verdict | None:
        """ggen's recommendation, or None when the card shows none."""
        rec = self.automation_recommendation
        return None if rec is None or rec == "none" else Verdict(rec)

    def content_hash(self) -> str:
        """SHA-256 of the normalised content: formatting and comments do not make a new version."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
