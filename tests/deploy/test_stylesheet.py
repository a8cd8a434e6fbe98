"""The one stylesheet stays well formed: an unclosed rule silently drops every rule after it."""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


def test_every_block_in_the_stylesheet_is_closed() -> None:
    text = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(), flags=re.S)
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"app.css line {number}: a '}}' closes nothing"
        # Rules nest only inside @media / @supports, so never deeper than two.
        assert depth <= 2, f"app.css line {number}: a block is left open above"
    assert depth == 0, "app.css ends with a block left open"
