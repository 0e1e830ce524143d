"""What a visitor's request costs a preheated wizard kernel (issue 12 item 5).

The page connects to its kernel only once the kernel has applied the request (``?assessment=``),
so everything the request does is on the way to an interactive page. A profile of that request
in a served kernel showed two costs that belonged to the preheating instead: a full garbage
collection over the preheated heap (~0.4 s of CPU on two shared cores) and the first use of
modules and texts (the time texts' YAML catalogue, the call-log evidence module, the calendar
data). These tests run the wizard's last cell as Voila runs it in a preheated kernel, in a fresh
interpreter, and look at what the request still had to load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lia.kernel import LEAN_ENV

ROOT = Path(__file__).resolve().parents[1]

#: The wizard notebook's two cells, with Voila's wait for the request replaced by a probe that notes
#: what the kernel has loaded at the moment it would start waiting for its visitor.
PROBE = """
import gc, json, os, sys
import voila.utils
from lia.example import ensure_example
from lia.workspace import Workspace
import lia.i18n as i18n

_, aid = ensure_example(Workspace(os.environ["LIA_HOME"]))
seen = {}

def wait_for_request(*args, **kwargs):
    seen["modules"] = set(sys.modules)
    seen["catalogues"] = i18n._load_catalogue.cache_info().misses
    seen["frozen"] = gc.get_freeze_count()
    os.environ["QUERY_STRING"] = "assessment=" + aid

voila.utils.wait_for_request = wait_for_request
import lia.pages.wizard
app = lia.pages.wizard.build_app()
lia.pages.wizard.serve_request(app)
assert app.state.assessment_id == aid, app.state.assessment_id
new = sorted(m for m in set(sys.modules) - seen["modules"] if m.split(".")[0] in ("lia", "babel", "yaml"))
print(json.dumps({"new_modules": new, "catalogues_parsed": i18n._load_catalogue.cache_info().misses - seen["catalogues"],
                  "frozen_before_wait": seen["frozen"]}))
"""


def _request_in_a_preheated_kernel(home: Path, lean: bool = False) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib"), "LIA_HOME": str(home), "VOILA_PREHEAT": "True"}
    env.pop(LEAN_ENV, None)
    env.pop("LIA_TEMPLATES", None)
    if lean:
        env[LEAN_ENV] = "1"
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300,
                         cwd=str(home))
    assert out.returncode == 0, out.stderr[-3000:]
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_visitors_request_loads_no_module_and_parses_no_catalogue(tmp_path: Path) -> None:
    """The first visitor of a preheated kernel waits for nothing the kernel could have loaded before."""
    seen = _request_in_a_preheated_kernel(tmp_path)
    assert seen["new_modules"] == [], f"the request imported {seen['new_modules']} while the page waited"
    assert seen["catalogues_parsed"] == 0, "the request parsed a message catalogue while the page waited"


def test_a_preheated_kernel_freezes_its_heap_before_it_waits(tmp_path: Path) -> None:
    """The preheated heap is exempt from the collector's scans, so no full collection lands in a visit."""
    assert _request_in_a_preheated_kernel(tmp_path)["frozen_before_wait"] > 10_000
