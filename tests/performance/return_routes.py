"""Permission-matrix entries for the quarterly return pages (performance/return_urls.py),
and the helpers that build a return in each state through the real services.

Each route's ``setup`` builds the return it needs on the world (``w.ret``), so every
persona's check starts from a fresh return in that state.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from performance.models import PerformanceReturn
from performance.services import (
    performance_return_approve,
    performance_return_send_back,
    performance_return_submit,
    return_section_save,
)
from tests.matrix import HOME_MEMBERS, Route, partnership_page
from tests.performance.builders import adopted_plan, started_return

CONTRIBUTORS = {"officer", "manager"}
WORKING_PAPERS = {"viewer", "officer", "manager"}
MANAGERS = {"manager"}
PCC = {"pcc_reviewer"}

ANSWERS = {
    "summary": "Priority crime is below target.",
    "milestones_reached": "Action plan agreed.",
    "milestones_missed": "None.",
    "prospects": "Likely to be achieved.",
    "assessed_rag": "green",
    "rag_statement": "",
    "rag_justification": "",
}


# Returns in each state ------------------------------------------------------------------


def complete(ret: PerformanceReturn, by, value: Decimal = Decimal(90), **answers) -> None:
    """Answer every question and measure of every section, so the return can be submitted."""
    for section in ret.sections.all():
        section.refresh_from_db()
        return_section_save(
            section=section,
            revision=section.revision,
            fields={**ANSWERS, **answers},
            values={mv.pk: {"value": value, "no_data": False} for mv in section.values.all()},
            by=by,
        )


def draft_return(w, **plan) -> PerformanceReturn:
    if not w.home.plans.filter(status="adopted").exists():
        adopted_plan(w.home, **plan)
    return started_return(w.home, w.person("officer"))


def submitted_return(w, **plan) -> PerformanceReturn:
    ret = draft_return(w, **plan)
    complete(ret, w.person("officer"))
    return performance_return_submit(performance_return=ret, by=w.person("officer"))


def approved_return(w, **plan) -> PerformanceReturn:
    ret = submitted_return(w, **plan)
    return performance_return_approve(performance_return=ret, by=w.person("manager"))


def resubmitted_return(w, **plan) -> PerformanceReturn:
    """Submitted, returned with a comment, corrected and submitted again: two versions."""
    ret = submitted_return(w, **plan)
    performance_return_send_back(
        performance_return=ret, by=w.person("manager"), comment="Please explain the rise."
    )
    complete(ret, w.person("officer"), value=Decimal(80), summary="Explained: a seasonal rise.")
    return performance_return_submit(performance_return=ret, by=w.person("officer"))


def completed_draft(w, **plan) -> PerformanceReturn:
    ret = draft_return(w, **plan)
    complete(ret, w.person("officer"))
    return ret


def _build(state):
    def setup(w):
        # The smallest plan will do: the matrix is about who, not how much.
        w.ret = state(w, priorities=1, measures=1)

    return setup


def _plan_only(w):
    adopted_plan(w.home, priorities=1, measures=1)


def url(name: str, **extra):
    def build(w):
        return reverse(
            f"performance:{name}",
            kwargs={"partnership": w.home.slug, "code": w.ret.code, **extra},
        )

    return build


def section_url(name: str = "return_section"):
    return url(name, priority="A")


def _section_data(w) -> dict:
    section = w.ret.sections.get(priority__code="A")
    data = {"revision": section.revision, "summary": "Saved from the matrix.", "action": "later"}
    for mv in section.values.all():
        data[f"value-{mv.pk}-value"] = "95"
    return data


def _list_url(w):
    return reverse("performance:return_list", kwargs={"partnership": w.home.slug})


def _start_url(w):
    return reverse("performance:return_start", kwargs={"partnership": w.home.slug})


# The matrix ---------------------------------------------------------------------------------

ROUTES = [
    Route(
        "performance:return_list",
        _list_url,
        partnership_page(HOME_MEMBERS),
        setup=_build(approved_return),
        note="everyone in the partnership; drafts are listed only with working papers",
    ),
    Route(
        "performance:return_start",
        _start_url,
        partnership_page(CONTRIBUTORS),
        setup=_plan_only,
    ),
    Route(
        "performance:return_start",
        _start_url,
        partnership_page(CONTRIBUTORS, ok=302),
        method="POST",
        data=lambda w: {"period": "2013-q1"},
        setup=_plan_only,
    ),
    Route(
        "performance:return_detail",
        url("return_detail"),
        partnership_page(WORKING_PAPERS),
        setup=_build(draft_return),
        id_suffix=" (draft)",
        note="drafts are working papers: scrutiny, PCC office and panel members get 403",
    ),
    Route(
        "performance:return_detail",
        url("return_detail"),
        partnership_page(WORKING_PAPERS),
        setup=_build(submitted_return),
        id_suffix=" (submitted)",
    ),
    Route(
        "performance:return_detail",
        url("return_detail"),
        partnership_page(HOME_MEMBERS),
        setup=_build(approved_return),
        id_suffix=" (approved)",
        note="approved returns are published",
    ),
    Route(
        "performance:return_tasks",
        url("return_tasks"),
        partnership_page(CONTRIBUTORS),
        setup=_build(draft_return),
        id_suffix=" (draft)",
    ),
    Route(
        "performance:return_tasks",
        url("return_tasks"),
        partnership_page(CONTRIBUTORS, ok=302),
        setup=_build(submitted_return),
        id_suffix=" (submitted)",
        note="a submitted return cannot be filled in: contributors are sent to the read view",
    ),
    Route(
        "performance:return_section",
        section_url(),
        partnership_page(CONTRIBUTORS),
        setup=_build(draft_return),
    ),
    Route(
        "performance:return_section",
        section_url(),
        partnership_page(CONTRIBUTORS, ok=302),
        method="POST",
        data=_section_data,
        setup=_build(draft_return),
    ),
    Route(
        "performance:return_section",
        section_url(),
        partnership_page(CONTRIBUTORS, ok=302),
        setup=_build(approved_return),
        id_suffix=" (approved)",
        note="an approved return is frozen: contributors are sent to the read view",
    ),
    Route(
        "performance:return_section_preview",
        section_url("return_section_preview"),
        partnership_page(CONTRIBUTORS),
        method="POST",
        data=_section_data,
        setup=_build(draft_return),
    ),
    Route(
        "performance:return_section_preview",
        section_url("return_section_preview"),
        partnership_page(CONTRIBUTORS, ok=403),
        method="POST",
        data=_section_data,
        setup=_build(submitted_return),
        id_suffix=" (submitted)",
        note="the live RAG needs a draft return",
    ),
    Route(
        "performance:return_submit",
        url("return_submit"),
        partnership_page(CONTRIBUTORS),
        setup=_build(draft_return),
    ),
    Route(
        "performance:return_submit",
        url("return_submit"),
        partnership_page(CONTRIBUTORS, ok=302),
        method="POST",
        setup=_build(completed_draft),
    ),
    Route(
        "performance:return_submitted",
        url("return_submitted"),
        partnership_page(CONTRIBUTORS),
        setup=_build(submitted_return),
    ),
    Route(
        "performance:return_sign_off",
        url("return_sign_off"),
        partnership_page(MANAGERS),
        setup=_build(submitted_return),
    ),
    Route(
        "performance:return_sign_off",
        url("return_sign_off"),
        partnership_page(MANAGERS, ok=302),
        method="POST",
        data=lambda w: {"decision": "approve", "comment": ""},
        setup=_build(submitted_return),
    ),
    Route(
        "performance:return_query",
        url("return_query"),
        partnership_page(PCC),
        setup=_build(approved_return),
        note="only the force area's PCC office; another area's reviewer gets 404",
    ),
    Route(
        "performance:return_query",
        url("return_query"),
        partnership_page(PCC, ok=302),
        method="POST",
        data=lambda w: {"comment": "Why did A(i) fall so sharply?"},
        setup=_build(approved_return),
    ),
    Route(
        "performance:return_versions",
        url("return_versions"),
        partnership_page(WORKING_PAPERS),
        setup=_build(approved_return),
        note="earlier versions are working papers, even of an approved return",
    ),
    Route(
        "performance:return_compare",
        url("return_compare"),
        partnership_page(WORKING_PAPERS),
        data=lambda w: {"from": 1, "to": 2},
        setup=_build(resubmitted_return),
    ),
]
