"""The ceiling for several workers and for the call-flow simulation.

The same app as ``benchmarks/load/ceiling.py`` (FastAPI and uvicorn on uvloop, httptools
and orjson, answering from memory), plus ``POST …/call-flow/simulate`` answering a captured
simulation document after parsing the request body; run with ``--workers N`` as N uvicorn
worker processes on one port, as ``ringforward serve --workers N`` is.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import orjson
from benchmarks.load.ceiling import STACKS, create_ceiling_app, serve
from fastapi import FastAPI, Request, Response

SIMULATE_PATH = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/call-flow/simulate"
_RULE_FILE = "CEILING_RULE_FILE"
_SIMULATION_FILE = "CEILING_SIMULATION_FILE"


def create_app() -> FastAPI:
    """The ceiling app of the files named in the environment (what each worker builds)."""
    rule = json.loads(Path(os.environ[_RULE_FILE]).read_text())
    simulation: dict[str, Any] = json.loads(Path(os.environ[_SIMULATION_FILE]).read_text())
    app = create_ceiling_app(rule, STACKS["fast"][2])

    @app.post(SIMULATE_PATH)
    async def simulate(request: Request, accountId: str, extensionId: str) -> Response:
        body = await request.json()
        # Read the fields the real endpoint reads; the answer is the captured one.
        if isinstance(body, dict):
            _ = body.get("at"), body.get("from"), body.get("to")
        return Response(orjson.dumps(simulation), media_type="application/json")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rule-file", type=Path, required=True)
    parser.add_argument("--simulation-file", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ[_RULE_FILE] = str(args.rule_file.resolve())
    os.environ[_SIMULATION_FILE] = str(args.simulation_file.resolve())
    serve(
        "benchmarks.load.ceiling_workers:create_app",
        args.port,
        "fast",
        factory=True,
        workers=args.workers,
    )


if __name__ == "__main__":
    main()
