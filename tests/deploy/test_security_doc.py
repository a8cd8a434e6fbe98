"""SECURITY.md names the test behind each promise: every one it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)((?:::[\w]+)*)")


def test_every_test_security_md_names_exists() -> None:
    text = (ROOT / "SECURITY.md").read_text()
    references = REFERENCE.findall(text)
    assert len(references) >= 20, "SECURITY.md should point at its tests"
    for path, names in references:
        file = ROOT / path
        assert file.exists(), f"SECURITY.md names {path}, which does not exist"
        source = file.read_text()
        for name in filter(None, names.split("::")):
            assert f"def {name}(" in source, f"SECURITY.md names {path}::{name}, not found"


def test_every_file_security_md_names_outside_tests_exists() -> None:
    text = (ROOT / "SECURITY.md").read_text()
    for path in re.findall(r"`((?:mentorship|profiles|matching|sessions_app)/[\w/]+\.py)`", text):
        assert (ROOT / path).exists(), path
