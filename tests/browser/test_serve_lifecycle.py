"""Starting and stopping `lia serve` (issue 12, items 6 and 21): signals, /logout, public hosts.

These start real servers (no browser): Ctrl-C and SIGTERM must stop the server and every
kernel without a traceback, even while the pools are still filling; /logout must not answer
HTTP 500; serving every interface without a token needs an explicit confirmation.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, LiaServer, free_port

OUTPUT = Path(__file__).resolve().parents[1] / "output"


def kernel_pids(server: LiaServer) -> list[int]:
    import psutil

    assert server.proc is not None
    out = []
    for p in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(p.cmdline()):
                out.append(p.pid)
        except psutil.Error:
            pass
    return out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_signals_stop_server_and_kernels_without_a_traceback(tmp_path: Path, browser_env: dict[str, str],
                                                             sig: signal.Signals) -> None:
    import psutil

    from lia.pages.wizard import READY_MESSAGE

    server = LiaServer(tmp_path, env=browser_env, log=OUTPUT / f"lia-serve-{sig.name}.log",
                       args=["--wizard-pool-size", "1", "--pool-size", "1", "--refill-delay", "0"]).start()
    try:
        server.wait_for_log(READY_MESSAGE, timeout=240)
        # A visitor takes the wizard's kernel; its replacement starts at once. The signal comes
        # while that kernel is still importing: it used to be interrupted (SIGINT) on the way
        # down and print a KeyboardInterrupt traceback into the server's output.
        started = server.log_path.read_text().count("Kernel started")
        threading.Thread(target=lambda: _get(server.url("voila/render/wizard.ipynb")), daemon=True).start()
        deadline = time.monotonic() + 60
        while server.log_path.read_text().count("Kernel started") <= started and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        pids = kernel_pids(server)
        assert pids
        assert server.proc is not None
        server.proc.send_signal(sig)
        code = server.proc.wait(timeout=60)
    finally:
        server.stop()
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    assert "KeyboardInterrupt" not in log
    assert code == 0, log[-2000:]
    time.sleep(1)
    left = [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert not left, f"kernels still running after the server stopped: {left}"


def _get(url: str) -> tuple[int, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as r:
            r.read()
            return r.status, r.headers.get("Location", "")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location", "")
    except (http.client.IncompleteRead, ConnectionError) as e:  # the server stopped while answering
        return 0, str(e)


def test_logout_forgets_the_login_instead_of_answering_500(tmp_path: Path, browser_env: dict[str, str]) -> None:
    # with a token: back to the login page, and the login cookie is cleared
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "lib"), **browser_env)
    log = OUTPUT / "lia-serve-logout.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "lia", "--home", str(tmp_path), "serve", "--port", str(port),
                                 "--token", "s3cret-token", "--no-browser", "--wizard-pool-size", "1"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(ROOT))
        try:
            deadline = time.monotonic() + 90
            status = 0
            while time.monotonic() < deadline:
                try:
                    status, where = _get(f"http://127.0.0.1:{port}/logout")
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.3)
            assert status == 302 and where.endswith("/login"), (status, where)
            assert _get(f"http://127.0.0.1:{port}/login")[0] == 200
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    assert "Traceback" not in log.read_text(errors="replace")


def test_logout_without_a_token_goes_back_to_the_workbench(lia_server: LiaServer) -> None:
    status, where = _get(lia_server.url("logout"))
    assert status == 302 and where in ("/", lia_server.url("")), (status, where)


def test_every_interface_without_a_token_is_refused_unless_confirmed(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "lib"))
    port = free_port()
    cmd = [sys.executable, "-m", "lia", "--home", str(tmp_path), "serve", "--host", "0.0.0.0", "--no-token",
           "--no-browser", "--port", str(port)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=60)
    assert r.returncode != 0
    assert "--i-know-this-is-public" in r.stderr and "0.0.0.0" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
