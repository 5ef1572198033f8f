"""Reasoning counts (issue 12): key points named in real sentences, not in keyword lists."""

from __future__ import annotations

import pytest

from bot.domain.justification import is_real_sentence, is_sound, reasoning

KEY_POINTS = [
    ("Names the product owner as approver", ["product owner", "lena", "100k", "100,000"]),
    ("Compares both harms in numbers", ["1.2m", "9k", "27k"]),
    ("Notes the missing comms plan and the hotfix timeline", ["comms", "5.0.1", "3 hours"]),
]


@pytest.mark.parametrize(
    "text",
    [
        "The rollback logs out 1.2M sessions, far above 100k, so Lena as product owner has to decide.",
        "Ops is not the approver here because the policy names the product owner.",
        "I would wait for 5.0.1 since the hotfix is only 3 hours away and no comms plan exists yet.",
        "Escalate to Lena Schmidt with both numbers attached.",
        "About 9k users an hour are failing to log in while we wait.",
    ],
)
def test_real_sentences_count(text: str) -> None:
    assert is_real_sentence(text)


@pytest.mark.parametrize(
    "text",
    [
        "product owner, 1.2M, comms, 5.0.1",
        "lena 100k 9k comms hotfix product owner",
        "Policy: session-invalidation, approver product owner, comms missing, hotfix 3 hours",
        "Key: LENA.",
        "owner, numbers, comms plan, hotfix, rollback, sessions, mobile",
        "See ticket.",
    ],
)
def test_keyword_lists_and_fragments_do_not(text: str) -> None:
    assert not is_real_sentence(text)


def test_a_sound_justification_names_half_the_key_points_in_sentences() -> None:
    found = reasoning(
        key_points=KEY_POINTS,
        fields=[
            "The policy names the product owner as approver once a rollback ends over 100,000 sessions.",
            "Rolling back logs out 1.2M users while waiting 3 hours costs about 27k failed logins.",
            None,
        ],
    )
    assert len(found.named) == 3 and found.enough
    assert is_sound(good_verdict=True, found=found)
    assert not is_sound(good_verdict=False, found=found), "the wrong call is never sound"
    assert not is_sound(good_verdict=True, found=found, weak_mark=True), "a mentor's weak mark wins"


def test_a_keyword_list_names_nothing_even_with_every_keyword() -> None:
    every = ", ".join(k for _, words in KEY_POINTS for k in words)
    found = reasoning(key_points=KEY_POINTS, fields=[every, "The rule that fired decides this one."])
    assert found.named == [] and not found.enough
    assert not is_sound(good_verdict=True, found=found)


def test_one_of_three_is_not_enough_two_of_three_is() -> None:
    one = reasoning(key_points=KEY_POINTS, fields=["Lena as product owner has to make this call herself."])
    two = reasoning(
        key_points=KEY_POINTS,
        fields=[
            "Lena as product owner has to make this call.",
            "The comms plan does not exist yet, so we wait.",
        ],
    )
    assert (len(one.named), one.enough) == (1, False)
    assert (len(two.named), two.enough) == (2, True)
