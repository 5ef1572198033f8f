"""Button values and modal private_metadata, as pydantic models serialised to JSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

M = TypeVar("M", bound="Meta")
# A row id as the database stores it (32-bit on PostgreSQL): a crafted value outside this
# range is bad metadata, not a driver error further down.
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]


class BadMetadata(ValueError):
    """A button value or private_metadata that is not ours or was tampered with."""


class Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def dump(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def load(cls: type[M], raw: str | None) -> M:
        try:
            return cls.model_validate_json(raw or "")
        except ValidationError as exc:
            # Shown to whoever clicked or submitted: say what happened, keep the detail for support.
            raise BadMetadata(
                "That button or form is out of date or was altered, so nothing was done "
                f"({cls.__name__}: {exc.error_count()} problem(s))."
            ) from None


class CardValue(Meta):
    """On Approve / Deny / Escalate: which card was clicked."""

    assignment_id: RowId


class JustifyMeta(Meta):
    """The justification modal: card, chosen verdict, and where the card lives."""

    assignment_id: RowId
    verdict: str
    channel: str | None = None
    message_ts: str | None = None


class LogMeta(Meta):
    """The live-decision modal: where it came from (command or shortcut)."""

    source: str  # command | shortcut
    channel: str | None = None
    message_ts: str | None = None
    opened_at: float | None = None  # epoch seconds the form opened (time to decide); source may be "home"
    team_domain: Annotated[str, Field(max_length=64)] | None = None  # for links to the review post


class ProposalValue(Meta):
    """On Accept / Dismiss of a policy proposal: which proposal."""

    proposal_id: RowId


class DecisionValue(Meta):
    """On Uphold / Overturn and similar: which decision."""

    decision_id: RowId


class ReviewMeta(Meta):
    decision_id: RowId
    verdict: str  # uphold | overturn
    channel: str | None = None
    message_ts: str | None = None


class AssessmentValue(Meta):
    assessment_id: RowId


class SyncValue(Meta):
    day: str  # ISO date, the engineer's local day
    channel: str | None = None  # the blockers modal: the DM it was opened from, to show the answer there
    message_ts: str | None = None


class SurveyValue(Meta):
    week: str  # YYYY-Www


class CategoryValue(Meta):
    category: str | None = None


class NextValue(Meta):
    """On Next scenario / Practise: the newest card the button knew of, so a repeat click is a no-op."""

    after: Annotated[int, Field(ge=0, le=2**31 - 1)]
    category: str | None = None


class RolesValue(Meta):
    """On *Confirm* of `/casebook role`: whose roles, and the roles they will have."""

    slack_user_id: Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,31}$")]
    roles: Annotated[list[str], Field(min_length=1, max_length=6)]


class LeaverValue(Meta):
    """On *Confirm* of `/casebook left`: who left and why (the reason is checked again on click)."""

    slack_user_id: Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,31}$")]
    reason: Annotated[str, Field(max_length=1000)]


_TRAINING_ID = r"^[a-z0-9][a-z0-9-]{0,31}$"


class CheckinValue(Meta):
    """On *I'm here* / *Can't make it*: which training session."""

    session: Annotated[str, Field(pattern=_TRAINING_ID)]


class LabValue(Meta):
    """On a lab's *Mark done*: which lab."""

    lab: Annotated[str, Field(pattern=_TRAINING_ID)]


class MilestoneValue(Meta):
    """On a Week-10 *Sign off*: whose milestone, and which."""

    slack_user_id: Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,31}$")]
    milestone: Annotated[str, Field(pattern=r"^(real_exceptions|testing_environment)$")]


class ReflectionValue(Meta):
    """The reflection button and form: which reflection day."""

    day: date


class LessonValue(Meta):
    """A wrap-up thread's button and the lesson form: which ISO week and which kind."""

    week: Annotated[str, Field(pattern=r"^\d{4}-W\d{2}$")]
    kind: Literal["went_well", "was_hard"]


class FlagValue(Meta):
    """On *Flag the policy*: the card or decision whose rule is flagged."""

    source: Literal["card", "decision"]
    id: RowId


class FlagMeta(Meta):
    """The flag-the-policy modal: what raised it (nothing, for `/casebook flag-policy`)."""

    source: Literal["card", "decision", "command"]
    id: RowId | None = None


class FeedbackValue(Meta):
    """On Accept / Reject / Done in the leads' queue, and the reject modal: which item."""

    feedback_id: RowId
class BlindMeta(Meta):
    """The blind second review form: which decision and the verdict chosen on the card."""

    decision_id: RowId
    verdict: str  # uphold | overturn


class ExpiryValue(Meta):
    """On *Answer* of the expiry question: which register entry."""

    entry_id: RowId
