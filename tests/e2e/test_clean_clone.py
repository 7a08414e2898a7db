"""A clone of the repository, with nothing beside it, passes its own tests.

Everything a test reads must be in the repository: this clones the committed HEAD into an
empty folder and runs the tests that check answers against RingCentral's spec there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
# The spec checks, including the two version documents, and the version endpoints.
SLICE = ["tests/api/test_spec_conformance.py", "tests/api/test_accounts.py"]


def clone(tmp_path: Path) -> Path:
    target = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(REPOSITORY), str(target)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clone"]
    return target


def test_a_clone_with_nothing_beside_it_passes_the_spec_tests(tmp_path: Path) -> None:
    checkout = clone(tmp_path)
    # This interpreter and its installed dependencies, but the clone's own code and tests.
    env = {**os.environ, "PYTHONPATH": str(checkout / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import ringforward, tests.support.spec as s; print(ringforward.__file__); "
            "print(s.VENDORED); print(s.TEST_ONLY)",
        ],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in probe.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(checkout), line

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n0", *SLICE],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout, result.stdout[-2000:]
