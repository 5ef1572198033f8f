"""Reading submitted modal state into plain values, whatever the input element; saving it before the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack

from bot.domain.errors import DomainError
from bot.slack.metadata import BadMetadata

log = logging.getLogger(__name__)
T = TypeVar("T")
SAVE_FAILED = "Something went wrong and nothing was saved. Please try again."


def read_values(view: dict[str, Any]) -> dict[str, Any]:
    """{block_id: value} from view.state.values (text, selects, radios, checkboxes, users)."""
    out: dict[str, Any] = {}
    for block_id, actions in (view.get("state", {}).get("values") or {}).items():
        for entry in actions.values():
            kind = entry.get("type")
            if kind in ("static_select", "radio_buttons", "external_select"):
                option = entry.get("selected_option")
                out[block_id] = option.get("value") if option else None
            elif kind == "checkboxes":
                out[block_id] = [o.get("value") for o in entry.get("selected_options") or []]
            elif kind == "users_select":
                out[block_id] = entry.get("selected_user")
            elif kind == "datepicker":
                out[block_id] = entry.get("selected_date")
            else:
                out[block_id] = entry.get("value")
    return out


def justification_values(values: dict[str, Any]) -> dict[str, Any]:
    """The template's fields out of a form's values (missing ones are None)."""
    return {
        k: values.get(k) for k in ("policy", "evidence", "risk", "conditions", "escalation", "confidence")
    }


def saved_or_shown(
    ack: Ack, save: Callable[[], T], *, block: str, what: str, stale: str = SAVE_FAILED
) -> T | None:
    """Run ``save`` before acknowledging a form; if it fails, ack with the reason under ``block``.

    Saving first (one small transaction) means a failure shows in the modal instead of being
    lost after the modal closed. A domain refusal is shown as written, bad metadata as ``stale``,
    anything else is logged as ``what`` and shown as a generic failure. Returns None after an error
    (already acknowledged); on success the caller acknowledges.
    """
    try:
        return save()
    except DomainError as exc:
        message = str(exc)
    except BadMetadata:
        message = stale
    except Exception:
        log.exception("%s failed", what)  # never log the submitted values: they may be survey answers
        message = SAVE_FAILED
    ack(response_action="errors", errors={block: message})
    return None
