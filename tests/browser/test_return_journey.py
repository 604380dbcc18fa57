"""The quarterly return in real Chromium.

The journey is done with the keyboard alone: Tab, Shift+Tab, Space, Enter, the arrow
keys and typing, through ``page.keyboard``. Nothing is clicked, checked or filled, and the
only ``page.goto`` is the first one (each person then signs in from the page that signing
out leaves them on). axe-core checks every return page reached, error states included.

An officer starts and fills in a return and submits it; the manager returns it with a
comment; the officer corrects and resubmits; the manager compares the versions and
approves; the PCC office reviewer sees it in the force-area overview and opens it.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from performance.models import MeasureValue, PerformanceReturn
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import assert_accessible, sign_in
from tests.performance.builders import adopted_plan

MAX_TABS = 250

_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e) return {};
  const labels = e.labels ? Array.from(e.labels).map(l => l.innerText.trim()) : [];
  return {
    id: e.id || "",
    tag: e.tagName.toLowerCase(),
    text: (e.innerText || "").replace(/\\s+/g, " ").trim(),
    value: e.value || "",
    label: labels.join(" "),
  };
}"""


def assert_accessible_without_js(page, browser, name: str) -> None:
    """assert_accessible for a page shown with JavaScript turned off.

    axe-core needs JavaScript, so the page as the no-JavaScript browser has it (its
    scripts removed, so nothing changes it) is served again at the same address to a
    browser that runs axe-core and nothing else."""
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S)
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    try:
        checker = context.new_page()
        checker.route(
            page.url,
            lambda route: route.fulfill(status=200, content_type="text/html", body=html),
        )
        checker.goto(page.url)
        assert checker.locator("body.js-enabled").count() == 0
        assert_accessible(checker, name)
    finally:
        context.close()


def focused(page) -> dict:
    return page.evaluate(_FOCUSED)


def tab_to(page, *, id: str | None = None, text: str | None = None, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the element with this id, or whose visible text or
    label starts with ``text``, has the focus."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        element = focused(page)
        if id is not None and element.get("id") == id:
            return element
        if text is not None and (
            element.get("text", "").startswith(text) or element.get("label", "").startswith(text)
        ):
            return element
    raise AssertionError(f"Tabbing never reached {id or text!r}")


def activate(
    page, *, id: str | None = None, text: str | None = None, navigates: bool = True
) -> None:
    """Tab to a link or button and press Enter (and wait for the next page)."""
    tab_to(page, id=id, text=text)
    if not navigates:
        page.keyboard.press("Enter")
        return
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, id: str, value: str, *, replace: bool = False) -> None:
    tab_to(page, id=id)
    if replace:
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
    page.keyboard.type(value)


def keyboard_sign_in(page, user) -> None:
    """On the sign-in page: the email box has the focus when the page opens."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    assert focused(page)["id"] == "id_username"
    page.keyboard.type(user.email)
    tab_to(page, id="id_password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_sign_out(page) -> None:
    activate(page, text="Sign out")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")


def go_to_the_return(page, world, label: str) -> None:
    """From the home page: Partnerships, the partnership, Returns, the return."""
    activate(page, text="Partnerships")
    activate(page, text=world.home.name)
    activate(page, text="Returns")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly returns")
    assert_accessible(page, "returns-list")
    activate(page, text=label)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{label} return")


def heading(page):
    return page.get_by_role("heading", level=1)


def fill_section(page, *, value_id: str, answers: list[str], rag_index: int = 0) -> None:
    """Type the value, the four answers, and choose an overall colour with the keyboard."""
    if value_id:
        type_into(page, value_id, "90")
    for field, answer in zip(
        ("id_summary", "id_milestones_reached", "id_milestones_missed", "id_prospects"),
        answers,
        strict=True,
    ):
        type_into(page, field, answer)
    tab_to(page, id="id_assessed_rag_0")
    for _ in range(rag_index):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")


def test_a_return_from_start_to_approval_with_the_keyboard_only(page, world):
    officer, manager = world.person("officer"), world.person("manager")
    pcc = world.person("pcc_reviewer")
    adopted_plan(world.home, priorities=2, measures=1, first_year=2013, last_year=2013)

    # The officer ----------------------------------------------------------------------
    page.goto(f"/accounts/sign-in/?next=/p/{world.home.slug}/performance/returns/")
    keyboard_sign_in(page, officer)
    expect(heading(page)).to_have_text("Quarterly returns")
    assert_accessible(page, "returns-list-officer")

    activate(page, text="Start a return for an earlier quarter")
    expect(heading(page)).to_have_text("Start a quarterly return")
    assert_accessible(page, "start")
    activate(page, text="Back to the returns")

    activate(page, text="Start the Q4 2013/14 return")
    expect(heading(page)).to_have_text("Fill in the Q4 2013/14 return")
    assert_accessible(page, "task-list")
    ret = PerformanceReturn.objects.get(partnership=world.home)
    value_a = MeasureValue.objects.get(section__performance_return=ret, section__priority__code="A")
    value_b = MeasureValue.objects.get(section__performance_return=ret, section__priority__code="B")

    activate(page, text="Priority A.")
    expect(heading(page)).to_contain_text("Priority A.")
    assert_accessible(page, "section-a")
    fill_section(
        page,
        value_id=f"id_value-{value_a.pk}-value",
        answers=[
            "Priority crime remains low.",
            "Reductions in burglary.",
            "None missed.",
            "Likely to be achieved.",
        ],
    )
    # The live RAG (htmx) has caught up with what was typed: 90 against a target of 100.
    expect(page.locator(f"#rag-{value_a.pk}")).to_contain_text("Green")
    expect(page.locator("#suggested-rag")).to_contain_text("Green")
    activate(page, text="Save and continue")

    # Priority B: "No data available" without a reason is an error, shown next to the field.
    expect(heading(page)).to_contain_text("Priority B.")
    tab_to(page, id=f"id_value-{value_b.pk}-no_data")
    page.keyboard.press("Space")
    fill_section(
        page,
        value_id="",
        answers=["Treatment data lags.", "New provider.", "None.", "Depends on the provider."],
    )
    activate(page, text="Save and continue")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why there is no data")
    assert_accessible(page, "section-b-error")
    # What was typed is still there.
    expect(page.locator("#id_summary")).to_have_value("Treatment data lags.")
    activate(page, text="Say why there is no data", navigates=False)  # error summary link
    assert focused(page)["id"] == f"id_value-{value_b.pk}-no_data_reason"
    page.keyboard.type("The report is no longer published")
    activate(page, text="Save and continue")

    expect(heading(page)).to_have_text("Fill in the Q4 2013/14 return")
    expect(page.locator(".govuk-task-list")).not_to_contain_text("Not started")
    activate(page, text="Check and submit")
    expect(heading(page)).to_contain_text("Check your answers")
    assert_accessible(page, "check-answers")
    activate(page, text="Submit for sign-off")
    expect(page.locator(".govuk-panel")).to_contain_text("Return submitted for sign-off")
    assert_accessible(page, "submitted")
    keyboard_sign_out(page)

    # The manager returns it with a comment ---------------------------------------------
    keyboard_sign_in(page, manager)
    go_to_the_return(page, world, "Q4 2013/14")
    assert_accessible(page, "read-view-submitted")
    activate(page, text="Sign off the return")
    expect(heading(page)).to_contain_text("Sign off the Q4 2013/14 return")
    assert_accessible(page, "sign-off")
    tab_to(page, id="id_decision_0")
    page.keyboard.press("ArrowDown")  # "Return it to the officers with comments"
    activate(page, text="Confirm")
    expect(page.locator("#id_comment-error")).to_contain_text("Say what needs to change")
    assert_accessible(page, "sign-off-error")
    type_into(page, "id_comment", "Please say where the priority A figure comes from.")
    activate(page, text="Confirm")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "returned the Q4 2013/14 return"
    )
    keyboard_sign_out(page)

    # The officer corrects and resubmits -----------------------------------------------------
    keyboard_sign_in(page, officer)
    go_to_the_return(page, world, "Q4 2013/14")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Please say where the priority A figure comes from."
    )
    assert_accessible(page, "read-view-returned")
    activate(page, text="Fill in the return")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Returned with comments")
    activate(page, text="Priority A.")
    type_into(
        page, "id_summary", "Priority crime remains low (police recorded crime).", replace=True
    )
    activate(page, text="Save and come back later")
    expect(heading(page)).to_have_text("Quarterly returns")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved")
    activate(page, text="Q4 2013/14")
    activate(page, text="Fill in the return")
    activate(page, text="Check and submit")
    activate(page, text="Submit for sign-off")
    expect(page.locator(".govuk-panel")).to_contain_text("Return submitted for sign-off")
    keyboard_sign_out(page)

    # The manager compares the versions and approves ------------------------------------------
    keyboard_sign_in(page, manager)
    go_to_the_return(page, world, "Q4 2013/14")
    activate(page, text="Submitted versions")
    expect(heading(page)).to_contain_text("Submitted versions")
    assert_accessible(page, "versions")
    activate(page, text="Compare with version 1")
    expect(heading(page)).to_have_text("Changes from version 1 to version 2")
    expect(page.locator("table")).to_contain_text("police recorded crime")
    assert_accessible(page, "compare")
    activate(page, text="Back to the versions")
    activate(page, text="Back to the return")
    activate(page, text="Sign off the return")
    tab_to(page, id="id_decision_0")
    page.keyboard.press("Space")  # "Approve it"
    activate(page, text="Confirm")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have approved the Q4 2013/14 return"
    )
    assert_accessible(page, "read-view-approved")
    keyboard_sign_out(page)

    # The PCC office reviewer sees the approved return in the force-area overview -------------
    keyboard_sign_in(page, pcc)
    activate(page, text="Force area overview")
    expect(heading(page)).to_contain_text("Returns for")
    tab_to(page, id="period")
    for _ in range(MAX_TABS):  # the quarter list, newest first, with the arrow keys
        if page.evaluate("() => document.activeElement.value") == "2013-q4":
            break
        page.keyboard.press("ArrowDown")
    activate(page, text="Show returns")
    expect(heading(page)).to_have_text("Returns for Q4 2013/14")
    row = page.get_by_role("row", name=re.compile(world.home.name))
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("Green")
    assert_accessible(page, "overview-pcc")
    activate(page, text="Partnerships")
    activate(page, text=world.home.name)
    activate(page, text="Returns")
    activate(page, text="Q4 2013/14")
    expect(heading(page)).to_have_text("Q4 2013/14 return")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Approved")
    expect(page.locator("main")).to_contain_text("Priority crime remains low (police recorded")
    assert_accessible(page, "read-view-pcc")
    # The query page, in its error state; the reviewer leaves without sending a query.
    activate(page, text="Query this return")
    activate(page, text="Send the query")
    expect(page.locator("#id_comment-error")).to_contain_text("Enter your query")
    assert_accessible(page, "query-error")

    ret.refresh_from_db()
    assert ret.status == PerformanceReturn.Status.APPROVED
    assert (ret.submitted_by, ret.approved_by) == (officer, manager)
    assert ret.versions.count() == 2


def test_the_section_form_works_without_javascript(page_without_js, browser, world):
    page = page_without_js
    officer = world.person("officer")
    adopted_plan(world.home, priorities=1, measures=2, first_year=2013, last_year=2013)
    from tests.performance.builders import started_return

    ret = started_return(world.home, officer, quarter=1)
    first, second = MeasureValue.objects.filter(section__performance_return=ret).order_by(
        "measure__order"
    )
    sign_in(page, officer)
    page.goto(f"/p/{world.home.slug}/performance/returns/{ret.code}/fill-in/A/")
    expect(heading(page)).to_contain_text("Priority A.")
    # Without JavaScript the reason box is simply shown under "No data available".
    expect(page.locator(f"#id_value-{second.pk}-no_data_reason")).to_be_visible()
    assert_accessible_without_js(page, browser, "section-no-js")

    page.locator(f"#id_value-{first.pk}-value").fill("104")
    page.locator(f"#id_value-{second.pk}-no_data").check()
    page.locator("#id_summary").fill("Written without JavaScript.")
    page.get_by_label("Red", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    # No reason for "no data", and an assessment that differs from the measures: both
    # errors are shown, and what was typed is kept.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say why there is no data for (ii)")
    expect(summary).to_contain_text("Explain why your assessment (Red) differs")
    expect(page.locator(f"#id_value-{first.pk}-value")).to_have_value("104")
    # The RAG was worked out on the server from what was typed: 104 is within 5% of 100.
    expect(page.locator(f"#rag-{first.pk}")).to_contain_text("Amber")
    expect(page.locator("#suggested-rag")).to_contain_text("Amber")
    assert_accessible_without_js(page, browser, "section-no-js-error")

    page.locator(f"#id_value-{second.pk}-no_data_reason").fill("Not published this quarter")
    page.get_by_label("Amber", exact=True).check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(heading(page)).to_have_text("Quarterly returns")
    page.goto(f"/p/{world.home.slug}/performance/returns/{ret.code}/fill-in/A/")
    expect(page.locator(f"#rag-{first.pk}")).to_contain_text("Amber")
    expect(page.locator(f"#rag-{second.pk}")).to_contain_text("Not rated")
    expect(page.locator("#id_rag_statement")).to_have_value(re.compile(r"^AMBER – "))
    first.refresh_from_db()
    assert (first.value, first.calculated_rag) == (104, "amber")
