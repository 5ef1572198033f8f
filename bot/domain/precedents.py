"""Precedents: the closest past LIVE decisions to the one at hand (the casebook itself).

Same policy rule first (most recent first), then by text similarity using the database's
own full-text search: PostgreSQL ``websearch_to_tsquery`` + ``ts_rank`` over a stored,
GIN-indexed ``tsvector`` column, SQLite FTS5 with bm25 (both created by migration 0013, live decisions only).
Queries are bounded (a few ids each) and the rows are then read in one query: no N+1.
Practice and assessment decisions are never precedents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.db.models import Decision, Person, Review
from bot.db.models_patterns import FTS_COLUMN, FTS_TABLE

MAX_WORDS = 24
_WORD = re.compile(r"[a-z0-9]+")
_NOISE = re.compile(r"<[^>]*>|https?://\S+|\b[UCWGB][A-Z0-9]{6,}\b|\S+@\S+")
STOPWORDS = frozenset(
    {
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "not",
        "but",
        "its",
        "into",
        "our",
        "your",
        "you",
        "they",
        "them",
        "their",
        "there",
        "here",
        "what",
        "when",
        "which",
        "who",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "been",
        "being",
        "also",
        "only",
        "than",
        "then",
        "just",
        "very",
        "more",
        "most",
        "some",
        "any",
        "all",
        "per",
        "via",
        "out",
        "off",
        "over",
        "under",
        # Words every alert and justification here uses: matching on them says nothing.
        "policy",
        "rule",
        "ggen",
        "hold",
        "held",
        "exception",
        "request",
        "version",
    }
)


@dataclass(frozen=True)
class Precedent:
    """A past live decision as a precedent shows it."""

    decision_id: int
    title: str
    verdict: str
    category: str
    policy_rule: str | None
    conditions: str | None
    review_status: str  # pending | upheld | overturned | not_required
    review_comment: str | None
    engineer: str | None  # None when the program anonymises precedents
    decided_at: datetime
    link: str | None  # the review thread, else where it was raised
    same_rule: bool


def search_words(raw: str | None) -> list[str]:
    """The words worth searching for: no ids, links, emails, short or common words; at most 24."""
    words: list[str] = []
    for word in _WORD.findall(_NOISE.sub(" ", raw or "").lower()):
        if len(word) >= 3 and word not in STOPWORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def review_link(channel: str | None, ts: str | None) -> str | None:
    """A link to the decision's review post (Slack redirects archive links to the workspace)."""
    if not channel or not ts:
        return None
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


def same_rule_ids(*, session: Session, policy_rule: str, exclude: Collection[int], limit: int) -> list[int]:
    """The most recent live decisions under this rule (index ix_decisions_policy_rule)."""
    query = (
        select(Decision.id)
        .where(Decision.kind == "live", Decision.policy_rule == policy_rule)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(limit + len(exclude))
    )
    return [i for i in session.execute(query).scalars() if i not in exclude][:limit]


def text_ids(*, session: Session, words: Sequence[str], exclude: Collection[int], limit: int) -> list[int]:
    """Live decisions ranked by full-text similarity to any of ``words`` (best first)."""
    if not words or limit <= 0:
        return []
    wanted = limit + len(exclude)
    if session.get_bind().dialect.name == "postgresql":
        # websearch syntax: "a or b or c" matches any word; ts_rank puts the most matching first.
        rows = session.execute(
            text(
                f"SELECT d.id FROM decisions AS d, websearch_to_tsquery('english', :q) AS q "
                f"WHERE d.kind = 'live' AND d.{FTS_COLUMN} @@ q "
                f"ORDER BY ts_rank(d.{FTS_COLUMN}, q) DESC, d.id DESC LIMIT :n"
            ),
            {"q": " or ".join(words), "n": wanted},
        )
    else:
        rows = session.execute(
            text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q ORDER BY rank LIMIT :n"),
            {"q": " OR ".join(f'"{w}"' for w in words), "n": wanted},
        )
    return [int(i) for (i,) in rows if int(i) not in exclude][:limit]


def load(
    *, session: Session, ids: Sequence[int], same_rule: Collection[int], anonymise: bool
) -> list[Precedent]:
    """The precedents of ``ids``, in that order, read in one query."""
    if not ids:
        return []
    rows = session.execute(
        select(Decision, Review.comment, Person.name)
        .join(Person, Person.id == Decision.person_id)
        .outerjoin(Review, Review.decision_id == Decision.id)
        .where(Decision.id.in_(ids), Decision.kind == "live")
    ).all()
    by_id = {d.id: (d, comment, name) for d, comment, name in rows}
    hide = _hider({name for _, _, name in rows}) if anonymise else (lambda text: text)
    found = []
    for decision_id in ids:
        if decision_id not in by_id:
            continue
        d, comment, name = by_id[decision_id]
        found.append(
            Precedent(
                decision_id=d.id,
                title=hide(d.title) or d.title,
                verdict=d.verdict,
                category=d.category,
                policy_rule=d.policy_rule,
                conditions=hide(str(d.justification.get("conditions") or "")) or None,
                review_status=d.review_status,
                review_comment=hide(comment),
                engineer=None if anonymise else name,
                decided_at=d.decided_at,
                link=review_link(d.review_channel, d.review_ts) or d.source_url,
                same_rule=d.id in same_rule,
            )
        )
    return found


def _hider(names: Collection[str]) -> Callable[[str | None], str | None]:
    """Anonymised precedents: the engineers' names (and parts of 3+ letters) and mentions blanked out."""
    parts = {p for n in names for p in re.split(r"[\s,.'-]+", n) if len(p) >= 3} | set(names)
    pattern = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    named = re.compile(rf"(?i)<@[^>]*>|\b(?:{pattern})\b") if pattern else re.compile(r"<@[^>]*>")

    def hide(text: str | None) -> str | None:
        return named.sub("[engineer]", text) if text else text

    return hide


def find_precedents(
    *,
    session: Session,
    policy_rule: str | None,
    about: str | None,
    limit: int,
    anonymise: bool,
    exclude_id: int | None = None,
) -> list[Precedent]:
    """Same-rule precedents first, then text-similar ones, ``limit`` in all.

    Same-rule ones take at most ``limit - 1`` places when there is text to compare, so a
    text-similar decision under another rule still shows.
    """
    exclude = {exclude_id} if exclude_id is not None else set()
    words = search_words(about)
    same: list[int] = []
    if policy_rule:
        room = limit - 1 if words else limit
        same = same_rule_ids(session=session, policy_rule=policy_rule, exclude=exclude, limit=room)
    similar = text_ids(session=session, words=words, exclude=exclude | set(same), limit=limit - len(same))
    return load(session=session, ids=[*same, *similar], same_rule=set(same), anonymise=anonymise)


def precedents_of_decision(
    *, session: Session, decision_id: int, limit: int, anonymise: bool
) -> list[Precedent]:
    """Precedents for a live decision under review (itself excluded; none for practice)."""
    row = session.execute(
        select(Decision.kind, Decision.policy_rule, Decision.title, Decision.source_text).where(
            Decision.id == decision_id
        )
    ).first()
    if row is None or row.kind != "live":
        return []
    about = " ".join(x for x in (row.title, row.source_text) if x)
    return find_precedents(
        session=session,
        policy_rule=row.policy_rule,
        about=about,
        limit=limit,
        anonymise=anonymise,
        exclude_id=decision_id,
    )


def decision_links(*, session: Session, ids: Collection[int]) -> dict[int, str]:
    """Links to these decisions (the review thread, else where they were raised), in one query."""
    if not ids:
        return {}
    rows = session.execute(
        select(Decision.id, Decision.review_channel, Decision.review_ts, Decision.source_url).where(
            Decision.id.in_(list(ids))
        )
    ).all()
    links = {int(r.id): review_link(r.review_channel, r.review_ts) or r.source_url for r in rows}
    return {i: link for i, link in links.items() if link}
