"""`papershelf --version`, shell completion, and a start that prints nothing of uv's."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT, run_cli


def test_version_names_the_installed_version():
    from importlib.metadata import version

    out = run_cli("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"papershelf {version('papershelf')}"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_for_each_shell(shell):
    out = run_cli("completion", shell)
    assert out.returncode == 0 and out.stderr == ""
    assert "papershelf" in out.stdout and "_ARGCOMPLETE" in out.stdout


def _complete(line: str, tmp_path) -> list[str]:
    """What the shell hook gets back for the command line typed so far."""
    answer = tmp_path / "answer"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_SHELL": "bash", "COMP_LINE": line,
           "COMP_POINT": str(len(line)), "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)}
    subprocess.run([sys.executable, "-m", "tui"], env=env, cwd=ROOT, timeout=30, check=True, capture_output=True)
    return answer.read_text().split("\v")


def test_completion_answers_subcommands_and_choices(tmp_path):
    assert _complete("papershelf ex", tmp_path) == ["export "]
    assert set(_complete("papershelf export --format ", tmp_path)) >= {"md", "bib", "csv", "json"}


def test_a_completion_request_never_opens_the_tui(tmp_path):
    """The hook runs papershelf with no arguments: that is also how the TUI starts."""
    assert {"import", "list", "export"} <= set(_complete("papershelf ", tmp_path))


def test_bytecode_is_compiled_once_where_python_may_not_write_it(tmp_path):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp_path / "pyc")}
    subprocess.run([sys.executable, "-m", "tui", "--version"], env=env, cwd=ROOT, timeout=120, check=True, capture_output=True)
    compiled = {p.name for p in (tmp_path / "pyc").rglob("*.pyc")}
    assert any(name.startswith("app.") for name in compiled)  # textual/app.py, tui/app.py
    assert any(name.startswith("console.") for name in compiled)  # rich/console.py


def test_pyproject_does_not_ask_uv_to_recheck_bytecode_on_every_run():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert not config.get("tool", {}).get("uv", {}).get("compile-bytecode")
