"""Reading submitted modal state into plain values, whatever the input element."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.domain.surveys import COMMENT_FIELD, SurveyAnswers, validate_survey
from bot.program import SurveyQuestion
from bot.slack.ids import Block, survey_block

# C0 controls but tab and newline, DEL and C1: PostgreSQL refuses U+0000 in text (the whole
# decision would be lost), and none of them means anything in a justification or a title.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    """``value`` without control characters (a carriage return becomes a newline)."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def read_values(view: dict[str, Any]) -> dict[str, Any]:
    """{block_id: value} from view.state.values (text, selects, radios, checkboxes, users).

    Typed text is cleaned of control characters here, for every form at once.
    """
    out: dict[str, Any] = {}
    for block_id, actions in (view.get("state", {}).get("values") or {}).items():
        for entry in actions.values():
            kind = entry.get("type")
            if kind in ("static_select", "radio_buttons", "external_select"):
                option = entry.get("selected_option")
                out[block_id] = option.get("value") if option else None
            elif kind in ("checkboxes", "multi_static_select"):
                out[block_id] = [o.get("value") for o in entry.get("selected_options") or []]
            elif kind == "users_select":
                out[block_id] = entry.get("selected_user")
            elif kind == "datepicker":
                out[block_id] = entry.get("selected_date")
            else:
                value = entry.get("value")
                out[block_id] = clean_text(value) if isinstance(value, str) else value
    return out


def justification_values(values: dict[str, Any]) -> dict[str, Any]:
    """The template's fields out of a form's values (missing ones are None)."""
    return {
        k: values.get(k) for k in ("policy", "evidence", "risk", "conditions", "escalation", "confidence")
    }


def read_survey(
    view: dict[str, Any], questions: Sequence[SurveyQuestion]
) -> tuple[SurveyAnswers | None, dict[str, str]]:
    """A survey form's answers, or its problems keyed by block (the weekly and the post-switchover survey)."""
    values = read_values(view)
    parsed, errors = validate_survey(
        questions=questions,
        values={q.id: values.get(survey_block(q.id)) for q in questions},
        comment=values.get(Block.SURVEY_COMMENT),
    )
    fields = {k: Block.SURVEY_COMMENT if k == COMMENT_FIELD else survey_block(k) for k in errors}
    return parsed, {fields[k]: v for k, v in errors.items()}
