"""Listener plumbing: the caller and the container in Bolt's context, and one way to turn errors into replies.

Listeners are module-level functions (the bolt-python starter template's shape) that take
Bolt's injected arguments, including ``context``. :func:`install` adds a middleware that
puts the container (``context["deps"]``) and the caller (``context["caller"]``) there, so
no listener closes over anything and each can be imported and tested alone.

The caller's roster row is read **lazily**, on first use after the listener has acked:
resolving it eagerly in the middleware would put a database round trip before every ack.

Each listener is registered as ``ack=`` (pure: parse, validate, answer; :func:`ack_now` when
there is nothing to check) plus ``lazy=[work]``, the work that bot.web.inbox stores before the
ack and runs from the inbox afterwards. A form's ack uses :func:`ack_stored` to say what the
form shows if its work cannot even be stored, and :func:`refuse` when it turned the form down.

:func:`replies_on_error` is the one place that turns a :class:`DomainError` or
:class:`BadMetadata` into the message the person sees (as written) and any other exception
into the logged, generic server error, whatever the entry point. A database error in work run
from the inbox is raised instead, so the inbox retries it; only on the last attempt is the
person told. :func:`form_errors` shows errors inside a form that has not acked yet.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse, Respond
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import DBAPIError

from bot.db.engine import read_transaction, transaction
from bot.deps import Deps
from bot.domain.errors import DomainError
from bot.domain.people import PersonView, get_view
from bot.flows.cards import enqueue_note
from bot.slack.blocks.common import esc, section
from bot.slack.metadata import BadMetadata
from bot.slack.util import SERVER_ERROR, reply, user_id_of

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


class Caller:
    """Who sent this request: their Slack id, and their roster entry read once, when first needed."""

    def __init__(self, deps: Deps, slack_user_id: str) -> None:
        self.deps = deps
        self.slack_user_id = slack_user_id
        self._loaded = False
        self._person: PersonView | None = None

    @property
    def person(self) -> PersonView | None:
        """The caller's roster entry, or None for someone not on the roster."""
        if not self._loaded:
            # A read: on SQLite it must not queue for (and hold) the write lock the acks need.
            with read_transaction(self.deps.sessions) as session:
                self._person = get_view(session=session, slack_user_id=self.slack_user_id)
            self._loaded = True
        return self._person

    @property
    def active(self) -> PersonView | None:
        """The caller's roster entry when they are still in the program (not a leaver), else None."""
        person = self.person
        return person if person is not None and person.active else None

    def with_roles(self, roles: frozenset[str]) -> PersonView | None:
        """The caller when active and holding one of ``roles``, else None."""
        person = self.active
        return person if person is not None and person.has_any(roles) else None


FINAL_ATTEMPT = "inbox_final_attempt"  # context key: this run of stored work is its last chance
FINAL_HEADER = "x-casebook-inbox-final"  # bot.web.inbox.FINAL, set by the inbox worker only
NOT_STORED = "inbox_not_stored"  # bot.web.inbox.NOT_STORED: a form's answer when the row can't be stored
SKIP = "inbox_skip"  # bot.web.inbox.SKIP: the ack refused, so no work is stored
ROW_HEADER = "x-casebook-inbox-row"  # bot.web.inbox.ROW, set by the inbox worker only
STORED_REQUEST = "inbox_request"  # context key: "inbox-<row>" when this is stored work being run


def install(app: App, deps: Deps) -> None:
    """Register the middleware that fills ``context["deps"]`` and ``context["caller"]``."""

    def put_deps_and_caller(
        body: dict[str, Any], request: BoltRequest, context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context["deps"] = deps
        context["caller"] = Caller(deps, user_id_of(body))
        # Work run from the inbox may be retried unless the worker says this is its last attempt
        # (lazy-only requests reach only the worker app: the front end strips Bolt's lazy headers).
        context[FINAL_ATTEMPT] = not request.lazy_only or bool(request.headers.get(FINAL_HEADER))
        row = request.headers.get(ROW_HEADER) if request.lazy_only else None
        context[STORED_REQUEST] = row[0] if row else None
        return next()

    app.middleware(put_deps_and_caller)


def stored_request(context: BoltContext) -> str | None:
    """``inbox-<row>`` when this run is stored work (its replays share it), else None: an effect
    with no natural key of its own is keyed by it."""
    value = context.get(STORED_REQUEST)
    return value if isinstance(value, str) else None


def ack_now(ack: Ack) -> None:
    """The ack of a command, click or event whose work is all deferred: nothing to check first."""
    ack()


def refuse(context: BoltContext) -> None:
    """The ack turned this request down itself: store no work for it."""
    context[SKIP] = True


def ack_stored(
    ack: Ack,
    context: BoltContext,
    *,
    block_id: str,
    failed: str = SERVER_ERROR,
    update: dict[str, Any] | None = None,
) -> None:
    """Accept a valid form (closing it, or showing ``update``); should its work fail to reach the
    inbox, the form stays open instead, saying ``failed`` on ``block_id``."""
    context[NOT_STORED] = {"response_action": "errors", "errors": {block_id: failed}}
    if update is None:
        ack()
    else:
        ack(response_action="update", view=update)


def deps_of(context: BoltContext) -> Deps:
    """The container the middleware put in Bolt's context."""
    deps = context["deps"]
    assert isinstance(deps, Deps)
    return deps


def caller_of(context: BoltContext) -> Caller:
    """The caller the middleware put in Bolt's context."""
    caller = context["caller"]
    assert isinstance(caller, Caller)
    return caller


def tell(deps: Deps, body: dict[str, Any], respond: Respond | None, text: str) -> None:
    """An ephemeral note for the caller: through response_url when the payload has one, else a DM."""
    if respond is not None and body.get("response_url"):
        reply(respond, [section(f":information_source: {esc(text)}")], esc(text))
        return
    with transaction(deps.sessions) as session:
        enqueue_note(
            session=session, now=deps.clock.now(), slack_user_id=user_id_of(body), channel=None, text=text
        )
    deps.dispatcher.kick()


Answer = Callable[[dict[str, Any], str], None]  # (the listener's keyword arguments, message)


def _answering_errors(
    what: str, *, failed: str, answer: Answer
) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """The one try/except of every listener: a domain refusal or bad metadata is shown as written,
    anything else is logged and shown as ``failed``; ``answer`` decides where it is shown."""

    def decorate(listener: Callable[P, R]) -> Callable[P, R | None]:
        @functools.wraps(listener)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return listener(*args, **kwargs)
            except (DomainError, BadMetadata) as exc:
                message = str(exc)
            except DBAPIError:
                if not _final(kwargs):
                    raise  # the inbox runs it again later: nothing acked is lost to an outage
                log.exception("%s failed on its last attempt", what)
                message = failed
            except SlackApiError as exc:
                message = _slack_refusal(what, exc) or failed
            except Exception:
                log.exception("%s failed", what)
                message = failed
            answer(kwargs, message)
            return None

        return wrapper

    return decorate


def _final(kwargs: dict[str, Any]) -> bool:
    """Whether this run may not be retried: the inbox's last attempt, or work not from the inbox."""
    context = kwargs.get("context")
    return not isinstance(context, BoltContext) or bool(context.get(FINAL_ATTEMPT, True))


# Slack errors that are nobody's bug: said plainly, logged without a traceback.
SLACK_REFUSALS = {
    "expired_trigger_id": "Slack took too long to open the form — click again.",
    "trigger_expired": "Slack took too long to open the form — click again.",
}


def _slack_refusal(what: str, exc: SlackApiError) -> str | None:
    """The plain message for an expected Slack refusal (a warning), else None (an error, logged)."""
    error = str(exc.response.get("error") or "") if exc.response is not None else ""
    message = SLACK_REFUSALS.get(error)
    if message is None:
        log.exception("%s failed", what)
    else:
        log.warning("%s: Slack refused the call (%s)", what, error)
    return message


def _tell_caller(kwargs: dict[str, Any], message: str) -> None:
    respond = kwargs.get("respond")
    tell(
        deps_of(kwargs["context"]), kwargs["body"], respond if isinstance(respond, Respond) else None, message
    )


def replies_on_error(what: str) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Turn errors raised after the ack into a reply to the caller; ``what`` names the action in logs.

    The wrapped listener must take ``body`` and ``context`` (Bolt injects arguments by name, and
    ``functools.wraps`` keeps the signature Bolt inspects); ``respond`` is used when present.
    """
    return _answering_errors(what, failed=SERVER_ERROR, answer=_tell_caller)


def form_errors(
    what: str, *, block_id: str, failed: str = SERVER_ERROR
) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """For view submissions: turn errors raised before the ack into an inline error on ``block_id``.

    The form stays open so the person can submit again. A :class:`DomainError` or
    :class:`BadMetadata` shows its own message; anything else is logged and shows ``failed``.
    The wrapped listener must take ``ack``.
    """

    def show_in_form(kwargs: dict[str, Any], message: str) -> None:
        ack: Ack = kwargs["ack"]
        ack(response_action="errors", errors={block_id: message})

    return _answering_errors(what, failed=failed, answer=show_in_form)
