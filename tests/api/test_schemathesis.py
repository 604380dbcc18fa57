"""The whole API fuzzed from its own OpenAPI schema by schemathesis, against PostgreSQL.

Every operation gets generated requests, valid (positive) and invalid (negative), from
three callers: an officer with a token (so writes are exercised), an outsider (an officer
of another partnership) and an anonymous caller; then the stateful phase follows the
schema's links (list -> detail -> measure values -> change one). Every check schemathesis
has runs on every response: no server error, status code, content type, headers and body
as documented, invalid input refused, valid input accepted, authentication not ignored.
The number of requests is counted and must reach MIN_REQUESTS. Run it alone with
``pytest -m schemathesis``; it is part of the default suite too. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.generation import GenerationMode
from schemathesis.generation.stateful import run_state_machine_as_test

from performance.models import MeasureValue
from tests.performance.builders import adopted_plan
from tests.performance.insight_builders import make_return

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

SCHEMA_PATH = "/api/v1/schema/?format=json"
# Examples per operation, per caller and mode: 13 operations x 3 callers x 2 modes x 10
# is 780 requests; the officer's return operations on real ids and the stateful phase
# add their own.
EXAMPLES = 10
REAL_EXAMPLES = 20
STATEFUL_SCENARIOS = 30
MIN_REQUESTS = 1000

HYPOTHESIS = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "suppress_health_check": list(HealthCheck),
    "phases": [Phase.explicit, Phase.generate, Phase.shrink],
}


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The real WSGI app, in this thread and this test's transaction. Like Django's test
    client, do not close the connection at the start and end of each request (that would end the
    transaction the test world lives in)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def api_world(world):
    """Adopted plans in home and neighbour; in home an approved Q1 return and a draft Q2
    return with measure values the officer may change. Returns the world and the ids of
    the draft return and one of its measures."""
    for partnership in (world.home, world.neighbour):
        adopted_plan(partnership)
    make_return(world.home, quarter=1, state="approved")
    draft = make_return(world.home, quarter=2, state="draft")
    make_return(world.neighbour, quarter=1, state="draft")
    value = MeasureValue.objects.filter(section__performance_return=draft).first()
    return world, {"code": str(draft.code), "measure": str(value.measure.lineage)}


def _headers(world: Any, persona: str | None) -> dict[str, str]:
    if persona is None:
        return {}
    token, _ = Token.objects.get_or_create(user=world.person(persona))
    return {"Authorization": f"Token {token.key}"}


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    path_parameters: dict[str, str] | None = None,
    examples: int = EXAMPLES,
) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(max_examples=examples, **HYPOTHESIS)
    def run(case: Any) -> None:
        case.call_and_validate()

    run()


def _schema(app: WSGIHandler, headers: dict[str, str], calls: list) -> Any:
    """The schema as served, sending the caller's credentials with every request (as
    configured headers, so schemathesis knows they are real and probes without them)."""
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, app)
    if headers:
        schema.config.update(headers=headers)

    @schema.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        calls.append((case.method, case.formatted_path, response.status_code))

    return schema


def test_the_api_conforms_to_its_schema(api_world, wsgi_app):
    api_world, real_ids = api_world
    calls: list[tuple[str, str, int]] = []
    schemas = {
        persona: _schema(wsgi_app, _headers(api_world, persona), calls)
        for persona in ("officer", "other_partnership", None)
    }
    failures: list[str] = []
    for persona, schema in schemas.items():
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 13
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _fuzz(operation, mode)
                except Exception as exc:  # noqa: BLE001 - every failure is reported below
                    failures.append(
                        f"{persona or 'anonymous'} {operation.label} {mode.value}: {exc}"
                    )

    # Random ids find nothing, so the officer's return operations also run on the draft
    # return and one of its measures: the PATCH reaches the service.
    for result in schemas["officer"].get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/returns/{code}"):
            continue
        names = [n for n in ("code", "measure") if f"{{{n}}}" in operation.path]
        real = {name: real_ids[name] for name in names}
        # With the ids fixed, only a body is left to make invalid.
        modes = [GenerationMode.POSITIVE]
        if operation.method.upper() == "PATCH":
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            try:
                _fuzz(operation, mode, real, examples=REAL_EXAMPLES)
            except Exception as exc:  # noqa: BLE001
                failures.append(f"officer {operation.label} (real ids) {mode.value}: {exc}")

    try:
        run_state_machine_as_test(
            schemas["officer"].as_state_machine(),
            settings=settings(max_examples=STATEFUL_SCENARIOS, stateful_step_count=8, **HYPOTHESIS),
        )
    except Exception as exc:  # noqa: BLE001
        failures.append(f"stateful: {exc}")

    assert not failures, "\n\n".join(failures)
    assert len(calls) >= MIN_REQUESTS, len(calls)
    # The officer's writes reached the server and some were accepted.
    assert any(m == "PATCH" and status == 200 for m, _, status in calls)
    assert not [c for c in calls if c[2] >= 500]
