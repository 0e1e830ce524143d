"""``lia serve``'s kernels talk to the server over Unix sockets, not TCP ports.

With TCP, each kernel binds five ports on 127.0.0.1 that jupyter_client picked as free a
moment before: with fourteen kernels starting together and other programs opening ports, a
port was taken in between and the kernel died at start ("Address already in use", seen
while benchmarking ten visitors: the pool then had a kernel fewer). Every local user could
also reach those ports (the messages are signed, but the ports are there to knock on). The
Unix sockets live in Voila's private connection folder (mode 0700), removed when it stops.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

from lia.serve import ServeOptions, voila_argv

ROOT = Path(__file__).resolve().parents[1]


def test_the_kernels_are_asked_for_unix_sockets(tmp_path: Path) -> None:
    assert "--KernelManager.transport=ipc" in voila_argv(ServeOptions(home=tmp_path, token=""))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_served_kernels_talk_to_the_server_over_unix_sockets_in_a_private_folder(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    (tmp_path / "home").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib"), "LIA_HOME": str(tmp_path / "home")}
    env.pop("LIA_TEMPLATES", None)
    port = _free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "lia", "--home", str(tmp_path / "home"), "serve",
                                 "--port", str(port), "--no-token", "--no-browser",
                                 "--wizard-pool-size", "1", "--pool-size", "1"],
                                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(tmp_path))
    try:
        deadline = time.monotonic() + 240
        while b"wizard page preheated" not in log.read_bytes():
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "no preheated wizard kernel within 240 s"
            time.sleep(0.5)
        kernels = [p for p in psutil.Process(proc.pid).children(recursive=True)
                   if "ipykernel_launcher" in " ".join(p.cmdline())]
        assert kernels, "no kernel process found"
        for k in kernels:
            # the server's channels to the kernel (shell, iopub, stdin, control, heartbeat); a preheated
            # kernel's one TCP connection is its wait for the visitor's request, to the server's own port
            tcp = [c for c in k.net_connections(kind="tcp")
                   if c.status == psutil.CONN_ESTABLISHED and not (c.raddr and c.raddr.port == port)]
            unix = k.net_connections(kind="unix")
            assert tcp == [], f"kernel {k.pid} talks over TCP: {tcp}"
            assert unix, f"kernel {k.pid} has no Unix sockets"
            folders = {Path(c.laddr).parent for c in unix if c.laddr}
            for folder in folders:
                assert folder.stat().st_mode & 0o077 == 0, f"{folder} is open to other users"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
