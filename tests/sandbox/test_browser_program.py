"""The program's new flows played by visible labels on the sandbox page, in headless Chromium.

Training (the check-in DM, a lab marked done on Home, the mentor's attendance correction
and a Week-10 sign-off, the PM's cohort summary), the Week-9 reflection (the mentor reads
it, the PM sees only who wrote), *Flag the policy* from a scenario card through a lead's
Home queue back to the author, and `/casebook report` for the PM and for an engineer.
Each step waits on what the page shows; screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import screenshot

playwright = pytest.importorskip("playwright.sync_api")
from tests.sandbox.pages import (  # noqa: E402  (only importable with Playwright installed)
    ADA,
    MO,
    PAT,
    deal_card,
    field_error,
    fill,
    message,
    modal,
    nothing_injected,
    open_conversation,
    rest_mouse,
    run_job,
    say,
    submit,
    switch_person,
)

expect = playwright.expect
pytestmark = pytest.mark.browser
ARI = "U0ARI"
MONDAY_9AM = "2026-11-02T09:00"  # week 9, the first training session (bot/program.example.yaml)
MONDAY_1PM = "2026-11-02T13:00"  # the first lab session: labs 1-3 handed out
FRIDAY_2PM = "2026-11-06T14:00"  # the Week-9 reflection
XSS = "<b>bold?</b><script>alert(1)</script>"


def _home(page: Any) -> Any:
    page.click('[data-testid="tab-home"]')
    home = page.locator('[data-testid="home"]')
    expect(home).to_be_visible()
    return home


def test_training_week_check_in_lab_correction_sign_off_and_cohort(page: Any) -> None:
    run_job(page, "training-checkin", MONDAY_9AM, now=MONDAY_9AM)
    switch_person(page, ADA)
    checkin = message(page, "Training check-in")
    expect(checkin).to_contain_text("Automation fundamentals")
    checkin.get_by_role("button", name="I'm here").click()
    expect(checkin).to_contain_text("You answered: I'm here")
    rest_mouse(page)
    screenshot(page, "program-1a-checkin")
    run_job(page, "training-checkin", MONDAY_1PM, now=MONDAY_1PM)

    home = _home(page)
    expect(home).to_contain_text("Training weeks")
    expect(home).to_contain_text("Attendance: 1 of 1 sessions (100%)")
    lab = home.locator('[data-block-id="lab_m1-lab1"]')
    expect(lab).to_contain_text("Lab 1: the ggen workflow")
    lab.get_by_role("button", name="Mark done").click()
    expect(lab).to_have_count(0)
    expect(home).to_contain_text("Labs: 1 of 3 done (the labs handed out so far)")
    screenshot(page, "program-1b-engineer-home-lab-done")

    switch_person(page, MO)
    home = _home(page)
    ben = home.locator(".block-section", has_text="Ben Okafor (@Ben Okafor) — attendance")
    expect(ben).to_contain_text("attendance 0/1 sessions (0%)")
    expect(ben).to_contain_text("Missed: Mon Nov 2: Automation fundamentals")
    home.get_by_role("button", name="Correct attendance").click()
    expect(modal(page).locator(".modal-title")).to_have_text("Correct attendance")
    submit(page)
    expect(field_error(page, "training_session")).not_to_have_text("")
    fill(
        page, {"training_session": "w9-mon-am", "training_mentee": "Ben Okafor", "training_status": "present"}
    )
    submit(page)
    expect(modal(page)).to_have_count(0)
    expect(ben).to_contain_text("attendance 1/1 sessions (100%)")
    ada_signoff = home.locator('[data-block-id="signoff_U0ADA"]')
    # No testing-environment button before the 20 mock exceptions: it could only be refused.
    expect(ada_signoff.get_by_role("button", name="Sign off: testing env")).to_have_count(0)
    ada_signoff.get_by_role("button", name="Sign off: 5 real exceptions").click()
    confirm = page.locator('[data-testid="confirm"]')
    expect(confirm).to_contain_text("Sign off Ada Park: 5 real exceptions observed?")
    page.click('[data-testid="confirm-yes"]')
    expect(ada_signoff.get_by_role("button", name="Sign off: 5 real exceptions")).to_have_count(0)
    expect(home).to_contain_text("signed off: 5 real exceptions observed")
    screenshot(page, "program-1c-mentor-home")

    switch_person(page, PAT)
    home = _home(page)
    expect(home).to_contain_text("Training: the cohort")
    expect(home).to_contain_text("5 real exceptions observed: 1 of 3")
    screenshot(page, "program-1d-pm-cohort")


def test_reflection_reaches_the_mentor_and_the_pm_sees_only_who(page: Any) -> None:
    run_job(page, "reflections", FRIDAY_2PM, now=FRIDAY_2PM)
    switch_person(page, ADA)
    prompt = message(page, "Your reflection")
    prompt.get_by_role("button", name="Write my reflection").click()
    expect(modal(page).locator(".modal-title")).to_have_text("Your reflection")
    expect(modal(page)).to_contain_text("The PM sees only that you have written it")
    learned = "Deciding by blast radius first changed my calls. " + XSS
    fill(
        page,
        {"reflection_q_learned": learned, "reflection_q_unsure": "Security exceptions still feel unclear."},
    )
    submit(page)
    expect(modal(page)).to_contain_text("Your reflection for Fri 6 Nov is saved")
    screenshot(page, "program-2a-reflection-saved")
    page.click('[data-testid="modal-cancel"]')

    switch_person(page, MO)
    home = _home(page)
    expect(home).to_contain_text("Your mentees' reflections")
    expect(home).to_contain_text(learned)
    nothing_injected(page)
    screenshot(page, "program-2b-mentor-reads-it")

    switch_person(page, PAT)
    home = _home(page)
    expect(home).to_contain_text("Reflections Fri 6 Nov: 1 of 3 written — Ada Park")
    expect(home).not_to_contain_text("blast radius")
    screenshot(page, "program-2c-pm-sees-who")


def test_flag_the_policy_reaches_a_lead_who_accepts_and_the_author_is_told(page: Any) -> None:
    switch_person(page, ARI)  # the demo roster has no lead: the admin makes Mo one, as in Slack
    say(page, "/casebook role @Mo mentor,lead")
    expect(
        page.locator('[data-testid="ephemeral"]', has_text="now has the role(s) lead, mentor")
    ).to_be_visible()

    switch_person(page, ADA)
    card, title = deal_card(page)
    card.get_by_role("button", name="Flag the policy").click()
    expect(modal(page).locator(".modal-title")).to_have_text("Flag the policy")
    expect(modal(page)).to_contain_text(title)
    fill(page, {"flag_problem": "vague", "flag_proposal": "fix"})
    submit(page)
    expect(field_error(page, "flag_problem")).to_contain_text("at least 10 characters")
    expect(field_error(page, "flag_proposal")).to_contain_text("at least 10 characters")
    problem = "It does not say when the window starts. " + XSS
    fill(page, {"flag_problem": problem, "flag_proposal": "Count the window from the request."})
    submit(page)
    expect(modal(page)).to_contain_text("the leads see it in their queue")
    page.click('[data-testid="modal-cancel"]')

    switch_person(page, MO)
    home = _home(page)
    expect(home).to_contain_text("Policy feedback")
    expect(home).to_contain_text("1 flag")
    expect(home).to_contain_text(problem)
    nothing_injected(page)
    home.get_by_role("button", name="Accept", exact=True).click()
    expect(home).to_contain_text("· accepted")
    screenshot(page, "program-5a-lead-queue-accepted")
    home.get_by_role("button", name="Done", exact=True).click()
    expect(home).to_contain_text("No open policy feedback")

    switch_person(page, ADA)
    expect(message(page, "was accepted by Mo Haddad")).to_have_count(1)
    expect(message(page, "was marked done by Mo Haddad")).to_have_count(1)
    rest_mouse(page)
    screenshot(page, "program-5b-author-told")


def test_report_for_the_pm_and_refused_for_an_engineer_and_help_lists_it(page: Any) -> None:
    switch_person(page, ADA)
    say(page, "/casebook report")
    refused = page.locator('[data-testid="ephemeral"]', has_text="/casebook report is for admin, pm only")
    expect(refused).to_contain_text("/casebook help")
    say(page, "/casebook help")
    helped = page.locator('[data-testid="ephemeral"]', has_text="Casebook commands")
    for line in ("/casebook lab done <lab-id>", "/casebook flag-policy", "/casebook precedents <words>"):
        expect(helped).to_contain_text(line)
    expect(helped).not_to_contain_text("/casebook report")
    expect(helped).to_contain_text("On your Home tab: your training (labs to Mark done, sign-offs)")
    screenshot(page, "program-10a-engineer-refused")

    switch_person(page, PAT)
    say(page, "/casebook help")
    expect(page.locator('[data-testid="ephemeral"]', has_text="Casebook commands")).to_contain_text(
        "/casebook report — build the post-program report"
    )
    pm_help = page.locator('[data-testid="ephemeral"]', has_text="Casebook commands")
    expect(pm_help).to_contain_text("who wrote reflections, wrap-up lessons and red flags")
    say(page, "/casebook report")
    expect(page.locator('[data-testid="ephemeral"]', has_text="The report is on its way")).to_be_visible()
    open_conversation(page, "pilot-pm")
    shared = message(page, "asked for the post-program report")
    expect(shared.locator('[data-testid="file"]')).to_contain_text(
        "Ops Engineer 2.0 pilot: post-program report"
    )
    rest_mouse(page)
    screenshot(page, "program-10b-report-in-pm-channel")
