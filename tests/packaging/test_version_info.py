"""The Windows version resource takes its four numbers from pyproject.toml's version."""

from __future__ import annotations

import sys
import tomllib

import pytest

from tests.support.gui_process import ROOT

sys.path.insert(0, str(ROOT / "build_scripts"))
import version_info  # noqa: E402
from version_info import version_numbers, windows_version_info  # noqa: E402


@pytest.mark.parametrize("version, numbers", [
    ("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.0.1rc1", (2, 0, 1, 0)), ("3.1.4+local", (3, 1, 4, 0)),
])
def test_version_numbers(version, numbers):
    assert version_numbers(version) == numbers


def test_not_a_version_is_refused():
    with pytest.raises(ValueError):
        version_numbers("dev")


def test_the_resource_names_the_package_version(monkeypatch, tmp_path):
    # Written where the test can see it, not into build/, which a frozen build may be using meanwhile.
    monkeypatch.setattr(version_info, "BUILD_DIR", tmp_path)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    path = windows_version_info(version)
    assert path == str(tmp_path / "version_info.txt")
    text = open(path, encoding="utf-8").read()
    assert f"filevers={version_numbers(version)}" in text
    assert f"StringStruct('ProductVersion', '{version}')" in text
