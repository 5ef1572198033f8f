"""What Slack's Web API accepts: each method's argument names, and Slack's Block Kit and view checks.

Block Kit is validated with ``slack_sdk.models`` (``Block.parse(d).to_dict()``,
``View(**v).to_dict()``) plus the limits Slack enforces.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

VALID_TOKEN_PREFIXES = ("xoxb-",)
METHOD_ARGS: dict[str, set[str]] = {
    "auth.test": {"team_id"},
    "chat.postMessage": {
        "as_user",
        "attachments",
        "blocks",
        "channel",
        "container_id",
        "icon_emoji",
        "icon_url",
        "link_names",
        "markdown_text",
        "metadata",
        "mrkdwn",
        "parse",
        "reply_broadcast",
        "text",
        "thread_ts",
        "unfurl_links",
        "unfurl_media",
        "username",
    },
    "chat.update": {
        "as_user",
        "attachments",
        "blocks",
        "channel",
        "file_ids",
        "link_names",
        "markdown_text",
        "metadata",
        "parse",
        "reply_broadcast",
        "text",
        "ts",
    },
    "chat.postEphemeral": {
        "as_user",
        "attachments",
        "blocks",
        "channel",
        "icon_emoji",
        "icon_url",
        "link_names",
        "markdown_text",
        "parse",
        "text",
        "thread_ts",
        "user",
        "username",
    },
    "chat.getPermalink": {"channel", "message_ts"},
    "views.open": {"interactivity_pointer", "trigger_id", "view"},
    "views.update": {"external_id", "hash", "view", "view_id"},
    "views.push": {"interactivity_pointer", "trigger_id", "view"},
    "views.publish": {"hash", "user_id", "view"},
    "conversations.open": {"channel", "return_im", "users"},
    "conversations.history": {
        "channel",
        "cursor",
        "include_all_metadata",
        "inclusive",
        "latest",
        "limit",
        "oldest",
    },
    "conversations.replies": {
        "channel",
        "cursor",
        "include_all_metadata",
        "inclusive",
        "latest",
        "limit",
        "oldest",
        "ts",
    },
    "users.info": {"include_locale", "user"},
    "users.list": {"cursor", "include_locale", "limit", "team_id"},
    "files.getUploadURLExternal": {"alt_txt", "alt_text", "filename", "length", "snippet_type"},
    "files.completeUploadExternal": {"channel_id", "channels", "files", "initial_comment", "thread_ts"},
}
REQUIRED_ARGS: dict[str, set[str]] = {
    "chat.postMessage": {"channel"},
    "chat.update": {"channel", "ts"},
    "chat.postEphemeral": {"channel", "user"},
    "chat.getPermalink": {"channel", "message_ts"},
    "views.open": {"trigger_id", "view"},
    "views.push": {"trigger_id", "view"},
    "views.update": {"view"},
    "views.publish": {"user_id", "view"},
    "users.info": {"user"},
    "conversations.history": {"channel"},
    "files.getUploadURLExternal": {"filename", "length"},
    "files.completeUploadExternal": {"files"},
}
# Accepted by every method: the token, and the team_id that slack_sdk adds to each call
# made through Bolt's per-request client (needed with org-wide tokens).
UNIVERSAL_ARGS = frozenset({"token", "team_id"})
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
BLOCK_TYPES = frozenset(
    {"section", "divider", "image", "actions", "context", "input", "header", "rich_text", "file", "video"}
)


def validate_blocks(blocks: Any, *, limit: int) -> str | None:
    """Slack's own checks: a list of valid blocks, at most ``limit`` of them."""
    if not isinstance(blocks, list):
        return "blocks must be a list"
    if len(blocks) > limit:
        return f"too many blocks: {len(blocks)} > {limit}"
    for index, raw in enumerate(blocks):
        try:
            parsed = Block.parse(raw)
            if parsed is None:
                return f"block {index}: not a block"
            parsed.to_dict()
            if raw.get("type") not in BLOCK_TYPES:
                return f"block {index}: unknown type {raw.get('type')!r}"
        except Exception as exc:
            return f"block {index} ({raw.get('type') if isinstance(raw, dict) else '?'}): {exc}"
    return None


def validate_view(view: Any) -> str | None:
    """Slack's checks on a view: a modal (with a title) or a Home tab, with valid blocks."""
    if not isinstance(view, dict):
        return "view must be an object"
    try:
        View(**view).to_dict()
    except Exception as exc:
        return f"view: {exc}"
    if view.get("type") not in ("modal", "home"):
        return f"view: unknown type {view.get('type')!r}"
    if view.get("type") == "modal" and not view.get("title"):
        return "view: a modal needs a title"
    return validate_blocks(view.get("blocks", []), limit=MAX_VIEW_BLOCKS)


def argument_error(method: str, args: dict[str, Any]) -> tuple[str, str] | None:
    """(Slack's error, what was wrong) when ``args`` do not fit ``method``; None when they do."""
    known = METHOD_ARGS.get(method)
    if known is None:
        return "unknown_method", ""
    unknown = set(args) - known - UNIVERSAL_ARGS
    if unknown:
        return "invalid_arguments", f"{method}: unknown argument(s) {sorted(unknown)}"
    missing = REQUIRED_ARGS.get(method, set()) - set(args)
    if method == "views.update" and not ({"view_id", "external_id"} & set(args)):
        missing = {"view_id"}
    if missing:
        return "invalid_arguments", f"{method}: missing argument(s) {sorted(missing)}"
    return None
