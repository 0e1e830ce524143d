"""The command line's own errors are codes too (issue 13): one "unknown time zone" for both log commands.

`lia periods --tz` and `lia access --tz` (checked again inside lia.access.analysis.analyse) said
the same thing in two English wordings; now one code, errors.tz_unknown, in en/sv/nb. The other
option errors keep the English the command line printed.
"""

from __future__ import annotations

import argparse
import re
from types import SimpleNamespace

import pytest

from lia.access.analysis import analyse
from lia.access.limits import AccessLimits
from lia.commands import serve as serve_command
from lia.commands._evidence import check_zone
from lia.errors import LiaError
from lia.messages import translate_error

TZ_ENGLISH = "unknown time zone 'Mars/Base' (--tz); expected an IANA name such as Europe/Stockholm or Europe/Oslo"


def _raised(fn, *args, **kwargs) -> LiaError:
    with pytest.raises(LiaError) as ei:
        fn(*args, **kwargs)
    return ei.value


def test_both_log_commands_say_unknown_time_zone_with_one_code() -> None:
    from_cli = _raised(check_zone, "Mars/Base")
    from_analysis = _raised(analyse, SimpleNamespace(con=None), AccessLimits.from_answers({}), tz="Mars/Base")
    assert from_cli.code == from_analysis.code == "errors.tz_unknown"
    assert str(from_cli) == str(from_analysis) == TZ_ENGLISH


@pytest.mark.parametrize("lang", ["sv", "nb"])
def test_unknown_time_zone_reads_in_swedish_and_norwegian(lang: str) -> None:
    shown = translate_error(_raised(check_zone, "Mars/Base"), lang)
    assert "'Mars/Base' (--tz)" in shown and "Europe/Oslo" in shown
    assert not re.search(r"\b(unknown|time|zone|expected|name|such|as|or)\b", shown), shown


def test_a_bad_port_keeps_its_english_and_has_a_code() -> None:
    args = argparse.Namespace(port=70000, pool_size=1, wizard_pool_size=1, refill_delay=0, cull_after=0)
    err = _raised(serve_command.run, args, None)
    assert err.code == "errors.cli_bad_port"
    assert str(err) == "--port 70000: expected a port number between 1 and 65535"
    assert translate_error(err, "sv") == "--port 70000: väntade ett portnummer mellan 1 och 65535"


def test_serving_everyone_without_a_token_keeps_its_english_and_has_a_code(tmp_path) -> None:
    from lia.serve import ServeOptions, check_exposure

    err = _raised(check_exposure, ServeOptions(home=tmp_path, host="0.0.0.0", token="", public_ok=False, port=8866))
    assert err.code == "errors.serve_public_no_token"
    assert str(err) == ("--host 0.0.0.0 --no-token: anyone who can reach port 8866 could read and change every "
                        "assessment; expected a token (leave out --no-token), --host 127.0.0.1, or, behind a reverse "
                        "proxy that authenticates users, --i-know-this-is-public")
    assert "alla som når port 8866" in translate_error(err, "sv")
