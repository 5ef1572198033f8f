"""Live exception decisions: checking the logged fields and prefilling from a message.

The live-decision form carries the same justification template as practice plus
what identifies the real exception: a title, its category, a link to where it was
raised (an alert, a ticket) and, optionally, the text of that message. The verdict
is chosen in the same form, so the template's verdict-specific fields (conditions
for an approval, the escalation target) are enforced here at submit time.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.domain.alert_text import guess_category, short_title
from bot.domain.categories import CategorySpec
from bot.domain.justification import Justification, validate_justification
from bot.domain.policy_refs import rule_in_text

TITLE_MIN = 5
TITLE_MAX = 150
SOURCE_URL_MAX = 2000
SOURCE_TEXT_MAX = 3000
_MENTION = re.compile(r"<[@#!]([^>|]+)(?:\|([^>]*))?>")
_EMPHASIS = re.compile(r"[*~`]")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class LiveInput:
    """A checked live decision, ready for ``record_decision``."""

    title: str
    category: str
    source_url: str
    source_text: str | None
    verdict: str
    justification: Justification
    policy_rule: str | None = None  # "policy/rule" (bot.domain.policy_refs)


@dataclass(frozen=True)
class Prefill:
    """What the form starts with when opened from a message."""

    title: str | None = None
    source_url: str | None = None
    source_text: str | None = None
    note: str | None = None  # why something could not be filled in
    category: str | None = None  # guessed from the message's words; the engineer can change it
    policy_rule: str | None = None  # quoted by the alert ("policy: x" and "rule: y" lines)


def check_source_url(value: str | None) -> str | None:
    """A problem with a source link, or None when it is a usable http(s) URL."""
    url = (value or "").strip()
    if not url:
        return "Paste a link to where this exception was raised (the alert, ticket or message)."
    if len(url) > SOURCE_URL_MAX:
        return f"Keep the link under {SOURCE_URL_MAX} characters (it has {len(url)})."
    if any(ch.isspace() for ch in url):
        return "A link cannot contain spaces; paste just the URL."
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "Use an http:// or https:// link (for example the message's permalink)."
    return None


def check_title(value: str | None) -> str | None:
    title = (value or "").strip()
    if not title:
        return "Give the exception a short title."
    if len(title) > TITLE_MAX:
        return f"Keep the title under {TITLE_MAX} characters (it has {len(title)})."
    if len(title) < TITLE_MIN:
        return f"Say a little more: at least {TITLE_MIN} characters."
    return None


def validate_live(
    *,
    title: str | None,
    category: str | None,
    categories: Collection[str],
    source_url: str | None,
    source_text: str | None,
    verdict: str | None,
    policy: str | None,
    evidence: str | None,
    risk: str | None,
    conditions: str | None,
    escalation: str | None,
    confidence: str | int | None,
    policy_rule: str | None = None,
) -> tuple[LiveInput | None, dict[str, str]]:
    """Check every field; return the input or errors keyed by field (= the form's block ids)."""
    errors: dict[str, str] = {}
    problem = check_title(title)
    if problem:
        errors["title"] = problem
    if not category:
        errors["category"] = "Choose the exception's category."
    elif category not in categories:
        errors["category"] = f"Unknown category {category!r}; choose one from the list."
    problem = check_source_url(source_url)
    if problem:
        errors["source_url"] = problem
    text = (source_text or "").strip()
    if len(text) > SOURCE_TEXT_MAX:
        errors["source_text"] = f"Keep this under {SOURCE_TEXT_MAX} characters (it has {len(text)})."
    justification = None
    if not verdict:
        errors["verdict"] = "Choose approve, deny or escalate."
    else:
        justification, problems = validate_justification(
            verdict=verdict,
            policy=policy,
            evidence=evidence,
            risk=risk,
            conditions=conditions,
            escalation=escalation,
            confidence=confidence,
        )
        errors.update(problems)
    if errors or justification is None or verdict is None or category is None:
        return None, errors
    return (
        LiveInput(
            title=(title or "").strip(),
            category=category,
            source_url=(source_url or "").strip(),
            source_text=text or None,
            verdict=verdict,
            justification=justification,
            policy_rule=policy_rule,
        ),
        {},
    )


def plain_text(mrkdwn: str) -> str:
    """Slack message markup made readable: `<@U1|ada>` → `@ada`, `<url|label>` → `label (url)`."""

    def link(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return f"{label} ({url})" if label and label != url else url

    def mention(match: re.Match[str]) -> str:
        whole = match.group(0)
        target, label = match.group(1), match.group(2)
        sigil = whole[1]
        if sigil == "!":
            return f"@{label or target.split('^')[0]}"
        return f"{sigil}{label or target}"

    text = _LINK.sub(link, mrkdwn)
    text = _MENTION.sub(mention, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def prefill_from_message(
    *, text: str | None, permalink: str | None, categories: Sequence[CategorySpec] = ()
) -> Prefill:
    """A short title from the message's first line, its text as context, its permalink as the source,
    and the category its words suggest (when ``categories`` are given and one stands out)."""
    readable = plain_text(text or "").strip()
    notes = []
    if not readable:
        notes.append("That message has no text I can read; describe the exception yourself.")
    if not permalink:
        notes.append("I couldn't get a link to that message; paste one into *Source link*.")
    if len(readable) > SOURCE_TEXT_MAX:
        # Say so rather than cut silently: the rest of the message is only behind the link.
        notes.append(
            f"That message is {len(readable):,} characters long; *What was raised* keeps "
            f"the first {SOURCE_TEXT_MAX:,}, the link keeps the rest."
        )
    # The title is the first non-empty line without mrkdwn emphasis (underscores stay: ids use them).
    first_line = next(
        (_EMPHASIS.sub("", line).strip(" >•-") for line in readable.splitlines() if line.strip()), ""
    )
    title = short_title(first_line)
    body = readable[: SOURCE_TEXT_MAX - 1] + "…" if len(readable) > SOURCE_TEXT_MAX else readable
    return Prefill(
        title=title or None,
        source_url=permalink or None,
        source_text=body or None,
        note=" ".join(notes) or None,
        category=guess_category(readable, categories) if categories and readable else None,
        policy_rule=rule_in_text(readable),
    )


def seconds_to_decide(*, decided_at: float, raised_at: float | None, opened_at: float | None) -> float | None:
    """Time from when the exception was raised (the message), else from opening the form."""
    for start in (raised_at, opened_at):
        if start is not None and decided_at - start >= 0:
            return round(decided_at - start, 1)
    return None
