"""lia serve's configuration, the Voila template, the notebook, and the UI strings."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from lia.serve import ServeOptions, page_url, serve_environment, voila_argv
from lia.pages.wizard.app import author_from_env
from lia.pages.wizard.strings import LANGS, Strings, load_strings

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "lib" / "lia"


def test_defaults_bind_to_localhost_with_preheated_kernels_and_the_offline_template(tmp_path: Path) -> None:
    from lia.commands import serve as cmd

    p = argparse.ArgumentParser()
    cmd.add_arguments(p)
    args = p.parse_args([])
    assert args.host == "127.0.0.1" and args.port == 8866 and not args.no_token
    argv = voila_argv(ServeOptions(home=tmp_path, token="t0k"))
    assert "--Voila.ip=127.0.0.1" in argv and "--template=lia" in argv and "--token=t0k" in argv
    assert "--VoilaConfiguration.preheat_kernel=True" in argv
    assert "--Voila.port_retries=0" in argv  # a taken port is an error, not a silent move
    assert argv[0].endswith("notebooks")


def test_no_token_and_generated_token(tmp_path: Path) -> None:
    assert "--token=" in voila_argv(ServeOptions(home=tmp_path, token=""))
    opts = ServeOptions(home=tmp_path)
    argv = voila_argv(opts)
    token = opts.token
    assert token and len(token) >= 24 and f"--token={token}" in argv
    assert page_url(opts) == f"http://127.0.0.1:8866/?token={token}"


def test_environment_points_kernels_at_workspace_library_template_and_header(tmp_path: Path) -> None:
    env = serve_environment(ServeOptions(home=tmp_path, author_header="X-Remote-User", host="10.1.2.3"), base={})
    assert env["LIA_HOME"] == str(tmp_path.resolve())
    assert env["PYTHONPATH"].split(":")[0] == str(ROOT / "lib")
    template = Path(env["JUPYTER_PATH"].split(":")[0]) / "voila" / "templates" / "lia"
    assert (template / "index.html.j2").is_file() and (template / "conf.json").is_file()
    assert env["LIA_AUTHOR_HEADER"] == "X-Remote-User"
    assert env["VOILA_APP_IP"] == "10.1.2.3"
    assert "--VoilaConfiguration.http_header_envs=X-Remote-User" in voila_argv(
        ServeOptions(home=tmp_path, author_header="X-Remote-User", token=""))


def test_pools_refill_and_culling_defaults(tmp_path: Path) -> None:
    """Issue 12, items 4 and 5: the wizard keeps several warm kernels, refills at once, kernels without a page go."""
    from lia.commands import serve as cmd
    from lia.serve import pool_config

    p = argparse.ArgumentParser()
    cmd.add_arguments(p)
    args = p.parse_args([])
    # ten visitors within ten seconds each find a warm wizard kernel; the refills wait out the burst
    assert args.wizard_pool_size == 10 and args.pool_size == 1 and args.refill_delay == 10 and args.cull_after == 60
    assert args.lean is False
    opts = ServeOptions(home=tmp_path, token="t")
    assert pool_config(opts) == {"default": {"pool_size": 1}, "wizard.ipynb": {"pool_size": 10}}
    argv = voila_argv(opts)
    assert "--VoilaKernelManager.fill_delay=10.0" in argv
    assert "--MappingKernelManager.cull_idle_timeout=60" in argv
    assert "--MappingKernelManager.cull_connected=False" in argv  # a connected page keeps its kernel
    assert not [a for a in voila_argv(ServeOptions(home=tmp_path, token="t", cull_after=0)) if "cull" in a]


@pytest.mark.parametrize("host,token,public_ok,refused", [
    ("0.0.0.0", "", False, True),
    ("::", "", False, True),
    ("0.0.0.0", "", True, False),   # behind an authenticating proxy, confirmed
    ("0.0.0.0", None, False, False),  # a token protects it
    ("127.0.0.1", "", False, False),
])
def test_every_interface_without_a_token_needs_confirmation(tmp_path: Path, host: str, token: str | None,
                                                            public_ok: bool, refused: bool) -> None:
    from lia.errors import LiaError
    from lia.serve import check_exposure

    opts = ServeOptions(home=tmp_path, host=host, token=token, public_ok=public_ok)
    if refused:
        with pytest.raises(LiaError, match="--i-know-this-is-public"):
            check_exposure(opts)
    else:
        check_exposure(opts)


def test_kernels_do_not_import_from_their_working_folder(tmp_path: Path) -> None:
    env = serve_environment(ServeOptions(home=tmp_path), base={"PYTHONPATH": ".:relative/lib:/abs/lib"})
    assert env["PYTHONSAFEPATH"] == "1"
    assert env["PYTHONPATH"].split(":") == [str(ROOT / "lib"), "/abs/lib"]


def test_voila_template_links_nothing_outside() -> None:
    folder = ROOT / "templates" / "jupyter" / "voila" / "templates" / "lia"
    for f in folder.rglob("*"):
        if f.suffix not in (".j2", ".html", ".json", ".css"):
            continue  # fonts; the page script is checked in a browser (tests/browser/test_page_script.py)
        text = f.read_text()
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), f"{f.name} links another host"
        assert not re.search(r"url\(\s*[\"']?(https?:)?//", text), f"{f.name} loads from another host"
    # the block that holds Voila's Font Awesome link is replaced, not extended
    index = (folder / "index.html.j2").read_text()
    block = index.split("{%- block notebook_css -%}")[1].split("{%- endblock notebook_css -%}")[0]
    assert "super()" not in block


def test_taken_port_is_reported(tmp_path: Path) -> None:
    import socket

    from lia.errors import LiaError
    from lia.serve import _check_port

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        with pytest.raises(LiaError, match="--port"):
            _check_port("127.0.0.1", s.getsockname()[1])


@pytest.mark.parametrize(
    "env,expected",
    [
        ({"LIA_AUTHOR": "Ann"}, "Ann"),
        ({"LIA_AUTHOR": "Ann", "LIA_AUTHOR_HEADER": "X-Forwarded-User", "HTTP_X_FORWARDED_USER": "proxy.bob"}, "proxy.bob"),
        ({"LIA_AUTHOR": "Ann", "LIA_AUTHOR_HEADER": "X-Forwarded-User"}, "Ann"),
        ({"HTTP_X_FORWARDED_USER": "spoofed"}, ""),  # headers count only when lia serve was told to use them
    ],
)
def test_author_from_env(env: dict, expected: str) -> None:
    assert author_from_env(env) == expected


def test_notebook_only_wires_the_library() -> None:
    nb = json.loads((ROOT / "notebooks" / "wizard.ipynb").read_text())
    code = [line for c in nb["cells"] if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
            if line.strip() and not line.strip().startswith("#")]
    assert len(code) < 40
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert "lia.pages.wizard.build_app()" in "\n".join(code)


def test_every_ui_string_used_exists_in_all_languages() -> None:
    catalogue = load_strings()
    used: set[str] = set()
    for f in (LIB / "wizard").glob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", f.read_text()))
        used |= set(re.findall(r"""strings\(\s*["']([a-z_]+)["']""", f.read_text()))
    for prefix in ("unit_", "jur_", "step_", "verdict_", "severity_"):
        assert any(k.startswith(prefix) for k in catalogue), prefix
    missing = sorted(k for k in used - set(catalogue) if not k.endswith("_"))
    assert not missing, f"UI strings used but not in templates/i18n/wizard.yaml: {missing}"
    for lang in LANGS:
        t = Strings(lang)
        assert t("save") and t("progress", answered=1, required=2)


def test_incomplete_catalogue_is_reported(tmp_path: Path) -> None:
    from lia.errors import InputError

    bad = tmp_path / "wizard.yaml"
    bad.write_text("messages:\n  save: {en: Save, sv: Spara}\n")
    with pytest.raises(InputError, match="save: needs non-empty texts for en, sv, nb"):
        load_strings(bad)
