"""The command starts in a blink: importing ``corridor.cli`` loads no heavy library.

numpy, pandas, scipy, numba, networkx, shapely, pyproj and SQLAlchemy load inside the
commands that compute, httpx inside those that talk to a server or send webhooks;
``corridor --help`` and argument errors never pay for them.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "numpy",
    "pandas",
    "scipy",
    "numba",
    "networkx",
    "shapely",
    "pyproj",
    "sqlalchemy",
    "matplotlib",
    "pyarrow",
    "searoute",
    "stix2",
    "httpx",  # only `--server` and the delivery worker speak HTTP
)


def _modules_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nimport json; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    loaded = _modules_after("import corridor.cli")
    heavy = sorted(name for name in HEAVY if name in loaded)
    assert heavy == [], f"corridor.cli pulls in {heavy} at import"


def test_help_of_every_group_loads_no_heavy_library() -> None:
    code = (
        "from typer.testing import CliRunner\nfrom corridor.cli import app\n"
        "groups = ([], ['atlas'], ['incidents'], ['risk'], ['routes'], ['coordination'],\n"
        "          ['advise'], ['info'], ['admin'], ['meetings'], ['training'],\n"
        "          ['webhooks'], ['worker'], ['serve'])\n"
        "for group in groups:\n"
        "    assert CliRunner().invoke(app, [*group, '--help']).exit_code == 0"
    )
    loaded = _modules_after(code)
    heavy = sorted(name for name in HEAVY if name in loaded)
    assert heavy == [], f"--help pulls in {heavy}"
