"""Schemathesis against a live server and its own OpenAPI document: no 5xx, no schema breaks."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import settings
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.python._constants.orchestrator import make_constants_value_source
from schemathesis.specs.openapi.checks import response_schema_conformance

from ringforward.api.service_spec import service_document
from tests.support.servers import LiveServer

# Generated requests per operation, on top of the schema's own examples. Under the
# derandomized "ci" Hypothesis profile (CI=true, tests/conftest.py) 10: every operation still
# takes at least 13 requests across the two tests below (the one without parameters, 2),
# about 1,070 in all, positive and negative, for half the CPU of 25, which the "dev" profile
# keeps, with new random examples every run.
MAX_EXAMPLES = 10 if settings.get_current_profile_name() == "ci" else 25
# Path parameters that reach real data (the demo's custom rule and forwarding number), so
# request bodies get past the 404s and exercise validation; free ids are fuzzed too, below.
REAL_IDS = {
    "path.accountId": "~",
    "path.extensionId": "~",
    "path.ruleId": "55555555",
    "path.forwardingNumberId": "33333333",
    "path.deviceId": "80000001",
}


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server process of its own: the fuzzer changes and deletes the demo data, and the
    process's log shows whether any request ended in a traceback."""
    directory = tmp_path_factory.mktemp("fuzzed")
    server = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}", log_path=directory / "server.log", process=True
    ).start()
    yield server
    server.stop()
    log = Path(directory / "server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-4000:]


def _schema(parameters: dict[str, str]) -> schemathesis.BaseSchema:
    # The document the server publishes, taken from the code that serves it (the last test
    # checks the two are the same): schemathesis needs it when collecting, before any
    # server runs.
    config = SchemathesisConfig.from_dict(
        {
            "parameters": parameters,
            "generation": {"max-examples": MAX_EXAMPLES, "mode": "all", "database": "none"},
            "phases": {"examples": {"enabled": True}, "coverage": {"enabled": False}},
            "request-timeout": 30,
        }
    )
    return schemathesis.openapi.from_dict(copy.deepcopy(service_document()), config=config)


@pytest.fixture(scope="module")
def admin_headers(fuzzed_server: LiveServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {fuzzed_server.token('admin@example.com')}"}


CHECKS = [not_a_server_error, response_schema_conformance]
real_ids = _schema(REAL_IDS)
free_ids = _schema({})
# One test per operation, named "test_x[GET /restapi]" as schemathesis names them.
OPERATIONS = [result.ok().label for result in real_ids.get_all_operations()]


def fuzz(
    schema: schemathesis.BaseSchema, label: str, base_url: str, headers: dict[str, str]
) -> None:
    """Run schemathesis's test for one operation: the schema's examples, then generated
    requests in every mode. ``build_operation_test`` is what ``schema.parametrize()`` calls
    for each operation at collection (schemathesis's own module; uv.lock pins the version);
    called here, when the test runs, it is built in one worker process only, where building
    all of them at collection cost about two seconds of CPU in each of the six."""
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label

    @settings(deadline=None)
    def check(case: Case) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

    test = build_operation_test(
        config=schema.config,
        operation=operation,
        test_func=check,
        given_kwargs={},
        feedback=FeedbackSources(constants_value_source=make_constants_value_source(schema)),
    )
    test()


@pytest.mark.parametrize("label", OPERATIONS, ids=OPERATIONS)
def test_no_server_error_or_schema_break_on_real_resources(
    label: str, fuzzed_server: LiveServer, admin_headers: dict[str, str]
) -> None:
    fuzz(real_ids, label, fuzzed_server.base_url, admin_headers)


@pytest.mark.parametrize("label", OPERATIONS, ids=OPERATIONS)
def test_no_server_error_or_schema_break_on_any_ids(
    label: str, fuzzed_server: LiveServer, admin_headers: dict[str, str]
) -> None:
    fuzz(free_ids, label, fuzzed_server.base_url, admin_headers)


def test_the_document_keeps_ringcentral_operations_and_adds_ours(
    shared_server: LiveServer,
) -> None:
    # A work unit of its own in a parallel run (tests/conftest.py): an in-process server
    # serves the same document for a tenth of a server process's start-up.
    document = httpx.get(f"{shared_server.base_url}/restapi/openapi.json").json()
    assert document == service_document()
    extension = "/restapi/v1.0/account/{accountId}/extension/{extensionId}"
    rule = document["paths"][f"{extension}/answering-rule/{{ruleId}}"]
    assert rule["put"]["operationId"] == "updateAnsweringRule"
    assert rule["patch"]["operationId"] == "patchAnsweringRule"
    history = document["paths"][f"{extension}/answering-rule/{{ruleId}}/history"]["get"]
    assert history["x-throttling-group"] == "Light"
    simulate = document["paths"][f"{extension}/call-flow/simulate"]["post"]
    assert "CallFlowSimulation" in str(simulate["responses"]["200"])
