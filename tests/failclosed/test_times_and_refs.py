"""Times and refs a user types are checked before any work (docs/fail-closed.md, "Inputs and
outputs"): ``--now``, ``audit asof``, ``--since`` and ``--until`` outside 1970-01-01..9999-12-31 or
malformed are usage errors (exit 2) naming the accepted range and form; an empty or blank
``--base`` is a usage error, never "no base"."""

from __future__ import annotations

from pathlib import Path

import pytest

from govctl.clock import normalise_now, parse_instant
from govctl.errors import UsageError
from tests.failclosed.helpers import NOW, clean_repo, committed_repo, govctl

BAD_TIMES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",  # before year 1 once in UTC: overflowed
    "1969-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00",  # after year 9999 once in UTC
    "1969-12-31",
    "yesterday",
    "2026-13-01",
    "",
]


@pytest.mark.parametrize("value", BAD_TIMES)
def test_bad_instants_are_usage_errors_naming_the_range(value: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_instant(value, "--now")
    message = str(caught.value)
    assert "--now" in message and "1970-01-01" in message and "9999-12-31" in message


def test_the_bounds_themselves_are_accepted() -> None:
    assert normalise_now("1970-01-01") == "1970-01-01T00:00:00+00:00"
    assert normalise_now("9999-12-31T23:59:59Z") == "9999-12-31T23:59:59+00:00"
    assert normalise_now("2026-11-22T09:30:00+05:00") == "2026-11-22T04:30:00+00:00"


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "junk"])
def test_check_now_out_of_range_is_exit_2(tmp_path: Path, value: str) -> None:
    root = clean_repo(tmp_path)
    proc = govctl("-C", str(root), "check", "--now", value, "--no-audit", "--no-cache")
    assert proc.returncode == 2, proc.stderr
    assert "1970-01-01" in proc.stderr and "9999-12-31" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["asof", "0001-01-01T00:00:00Z"],
        ["log", "--since", "0001-01-01T00:00:00+01:00"],
        ["log", "--until", "10000-01-01T00:00:00Z"],
        ["export", "--since", "1969-01-01"],
    ],
    ids=["asof", "since", "until", "export-since"],
)
def test_audit_times_out_of_range_are_exit_2(tmp_path: Path, args: list[str]) -> None:
    root = clean_repo(tmp_path)
    # A store with one event, so the commands get as far as reading their times.
    assert govctl("-C", str(root), "check", "--now", NOW, "--no-cache").returncode == 0
    proc = govctl("-C", str(root), "audit", *args)
    assert proc.returncode == 2, proc.stderr
    assert "1970-01-01" in proc.stderr and "9999-12-31" in proc.stderr


@pytest.mark.parametrize("ref", ["", "  "])
def test_check_with_an_empty_base_is_exit_2(tmp_path: Path, ref: str) -> None:
    root = committed_repo(tmp_path)
    proc = govctl("-C", str(root), "check", "--base", ref, "--now", NOW, "--no-audit")
    assert proc.returncode == 2, proc.stderr
    assert "--base is empty" in proc.stderr


@pytest.mark.parametrize("option", ["--base", "--head"])
def test_impact_with_an_empty_ref_is_exit_2(tmp_path: Path, option: str) -> None:
    root = committed_repo(tmp_path)
    extra = ["--base", "HEAD"] if option == "--head" else []
    proc = govctl("-C", str(root), "impact", *extra, option, "", "--now", NOW, "--no-audit")
    assert proc.returncode == 2, proc.stderr
    assert f"{option} is empty" in proc.stderr
