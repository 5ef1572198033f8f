"""Reading submitted modal state into plain values, whatever the input element."""

from __future__ import annotations

from typing import Any


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
