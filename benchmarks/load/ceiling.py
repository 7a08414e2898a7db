"""The ceiling: the same FastAPI/uvicorn stack serving a captured rule's JSON from memory."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

# The stacks the ceiling can run on: (event loop, HTTP parser, JSON encoder). ``fast`` is
# what ``ringforward serve`` runs on; ``stdlib`` is uvicorn's pure-Python default.
STACKS = {
    "stdlib": ("asyncio", "h11", "json"),
    "fast": ("uvloop", "httptools", "orjson"),
}

RULE_PATH = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/answering-rule/{ruleId}"


def _json_response(encoder: str) -> type[Response]:
    if encoder == "json":
        return JSONResponse
    import orjson

    class OrjsonResponse(JSONResponse):
        def render(self, content: Any) -> bytes:
            return orjson.dumps(content)

    return OrjsonResponse


def create_ceiling_app(
    rule: dict[str, Any], encoder: str = "json", reads: dict[str, Any] | None = None
) -> FastAPI:
    """One GET and one PUT on the real route's path; no database, no auth, no validation.

    What is left is what every real request pays anyway: uvicorn's HTTP parsing, FastAPI's
    routing, reading and parsing the JSON body (PUT) and serializing the response.
    """
    # FastAPI's own OpenTelemetry off, as in ringforward's app: on, it looks for
    # configured providers on every request.
    app = FastAPI(
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    state: dict[str, Any] = json.loads(json.dumps(rule))
    respond = _json_response(encoder)

    @app.get("/restapi")
    async def version() -> dict[str, str]:
        return {"uriString": "ceiling"}

    @app.get(RULE_PATH)
    async def read_rule(accountId: str, extensionId: str, ruleId: str) -> JSONResponse:
        return respond(state, headers={"ETag": '"ceiling"'})

    # The other reads (forwarding-number list, business hours): captured JSON by path.
    for path, document in (reads or {}).items():
        app.add_api_route(path, _reader(respond, document), methods=["GET"])

    @app.put(RULE_PATH)
    async def update_rule(
        request: Request, accountId: str, extensionId: str, ruleId: str
    ) -> JSONResponse:
        body = await request.json()
        # Apply the one change the load makes, so the PUT does as little as a PUT can.
        groups = body.get("forwarding", {}).get("rules", []) if isinstance(body, dict) else []
        if groups and "ringCount" in groups[0]:
            state["forwarding"]["rules"][0]["ringCount"] = groups[0]["ringCount"]
        return respond(state, headers={"ETag": '"ceiling"'})

    return app


def _reader(respond: type[Response], document: Any) -> Any:
    async def read(accountId: str, extensionId: str) -> Response:
        return respond(document)

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rule-file", type=Path, required=True, help="rule JSON to serve")
    parser.add_argument("--stack", choices=sorted(STACKS), default="fast")
    parser.add_argument("--reads-file", type=Path, help="JSON: route path → document to GET")
    args = parser.parse_args()
    rule = json.loads(args.rule_file.read_text())
    reads = json.loads(args.reads_file.read_text()) if args.reads_file else None
    serve(create_ceiling_app(rule, STACKS[args.stack][2], reads), args.port, args.stack)


def serve(app: Any, port: int, stack: str, **options: Any) -> None:
    """Run ``app`` (or a factory's import string, with ``options``) with the same uvicorn
    settings as ringforward.cli.main.run_server: warnings only, no access log, the event
    loop and HTTP parser of ``stack``."""
    loop, http, _encoder = STACKS[stack]
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        loop=loop,
        http=http,
        **options,
    )


if __name__ == "__main__":
    main()
