"""Every action, callback, block and shortcut id Casebook uses, in one place."""

from __future__ import annotations

from enum import StrEnum

COMMAND = "/casebook"


class Action(StrEnum):
    # practice cards
    DECIDE_APPROVE = "card_approve"
    DECIDE_DENY = "card_deny"
    DECIDE_ESCALATE = "card_escalate"
    NEXT_SCENARIO = "next_scenario"
    SHOW_GUIDE = "show_guide"
    # App Home
    HOME_PRACTICE = "home_practice"
    HOME_ASSESS = "home_assess"
    HOME_LOG = "home_log"
    HOME_SURVEY = "home_survey"
    # assessment
    SIGN_OFF = "assessment_sign_off"
    # reviews
    REVIEW_UPHOLD = "review_uphold"
    REVIEW_OVERTURN = "review_overturn"
    # daily sync and survey
    SYNC_ALL_GOOD = "sync_all_good"
    SYNC_BLOCKERS = "sync_blockers"
    SURVEY_OPEN = "survey_open"
    # confirm steps for commands that change a lot or cannot be undone (issue 16)
    ROLE_CONFIRM = "role_confirm"
    LEFT_CONFIRM = "left_confirm"
    ASSESS_CONFIRM = "assess_confirm"
    CONFIRM_CANCEL = "confirm_cancel"
    # training weeks: check-in DM, labs and Week-10 sign-offs on App Home, the correction form
    TRAINING_HERE = "training_here"
    TRAINING_AWAY = "training_away"
    TRAINING_LAB_DONE = "training_lab_done"
    TRAINING_SIGN_OFF = "training_sign_off"
    TRAINING_CORRECT = "training_correct"
    # policy feedback (issue 17): flag a rule; the leads' queue
    FLAG_POLICY = "flag_policy"
    FEEDBACK_ACCEPT = "policy_feedback_accept"
    FEEDBACK_REJECT = "policy_feedback_reject"
    FEEDBACK_DONE = "policy_feedback_done"
    # exception patterns and precedents (issue 18)
    PROPOSAL_ACCEPT = "proposal_accept"
    PROPOSAL_DISMISS = "proposal_dismiss"
    DRAFT_SCENARIO = "draft_scenario"
    # blind second reviews and the exception expiry question (issue 18)
    BLIND_UPHOLD = "blind_uphold"
    BLIND_OVERTURN = "blind_overturn"
    EXPIRY_ANSWER = "expiry_answer"
    # links that only open a URL still send an action; acknowledged and ignored
    OPEN_LINK = "open_link"
    # reflections, wrap-up lessons and the post-switchover survey (issue 17)
    REFLECTION_OPEN = "reflection_open"
    LESSON_WENT_WELL = "lesson_went_well"
    LESSON_WAS_HARD = "lesson_was_hard"
    POST_SURVEY_OPEN = "post_survey_open"


class Callback(StrEnum):
    JUSTIFY = "justify_modal"
    LOG_DECISION = "log_decision_modal"
    REVIEW = "review_modal"
    SYNC_BLOCKERS = "sync_blockers_modal"
    SURVEY = "survey_modal"
    TRAINING_CORRECT = "training_correct_modal"
    REFLECTION = "reflection_modal"
    LESSON = "lesson_modal"
    POST_SURVEY = "post_survey_modal"
    FLAG_POLICY = "flag_policy_modal"
    FEEDBACK_REJECT = "policy_feedback_reject_modal"
    BLIND_REVIEW = "blind_review_modal"
    EXPIRY = "expiry_modal"


class Shortcut(StrEnum):
    HANDLE_AS_EXCEPTION = "handle_as_exception"


class Block(StrEnum):
    """Input block ids; each input's action id is the same string."""

    POLICY = "policy"
    EVIDENCE = "evidence"
    RISK = "risk"
    CONDITIONS = "conditions"
    ESCALATION = "escalation"
    CONFIDENCE = "confidence"
    TITLE = "title"
    CATEGORY = "category"
    SOURCE_URL = "source_url"
    SOURCE_TEXT = "source_text"
    VERDICT = "verdict"
    POLICY_RULE = "policy_rule"
    POLICY_RULE_OTHER = "policy_rule_other"
    COMMENT = "comment"
    SUGGESTED_VERDICT = "suggested_verdict"
    WEAK_REASONING = "weak_reasoning"
    FAILED_PARTS = "failed_parts"
    BLOCKERS = "blockers"
    MOOD = "mood"
    SURVEY_COMMENT = "survey_comment"
    CARD_ACTIONS = "card_actions"
    REVIEW_ACTIONS = "review_actions"
    TRAINING_SESSION = "training_session"
    TRAINING_MENTEE = "training_mentee"
    TRAINING_STATUS = "training_status"
    REFLECTION_SHARE = "reflection_share"
    LESSON_TEXT = "lesson_text"
    LESSON_ATTRIBUTION = "lesson_attribution"
    FLAG_RULE = "flag_rule"
    FLAG_PROBLEM = "flag_problem"
    FLAG_PROPOSAL = "flag_proposal"
    REJECT_REASON = "reject_reason"
    BLIND_ACTIONS = "blind_actions"
    EXPIRY_MET = "expiry_met"
    EXPIRY_OUTCOME = "expiry_outcome"
    EXPIRY_NOTE = "expiry_note"
    EXPIRY_ACTIONS = "expiry_actions"


def survey_block(question_id: str) -> str:
    """Block id of one survey question's input."""
    return f"survey_q_{question_id}"


def reflection_block(question_id: str) -> str:
    """Block id of one reflection question's input."""
    return f"reflection_q_{question_id}"
