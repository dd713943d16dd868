"""The fenced code blocks of a Markdown page, in order, with what the page says about them.

A block is plain (```` ```python ````) or a MyST directive (```` ```{code-block} python ````
with ``:caption: path``).  An HTML comment on the line before a block marks one that is
deliberately not run, and says why::

    <!-- example: not run: needs a replica set (transactions) -->
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional

import attrs

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\{(?:code-block|code)\}\s*(?P<lang>\S*)")
_MARKER = re.compile(r"^<!--\s*example:\s*not run:\s*(?P<reason>.*?)\s*-->$")


@attrs.frozen
class Block:
    path: Path
    line: int               # 1-based line of the opening fence
    lang: str
    code: str
    caption: Optional[str]  # a MyST code-block's :caption: (the guide's file names)
    not_run: Optional[str]  # the reason given by a not-run marker

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def blocks(path: Path) -> List[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: List[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        start = i
        i += 1
        body: List[str] = []
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        if fence.startswith("`") and info.startswith("{") and not _DIRECTIVE.match(info):
            continue  # another MyST directive ({toctree}...), not code
        directive = _DIRECTIVE.match(info)
        caption = None
        if directive:
            lang = directive["lang"]
            while body and body[0].startswith(":"):
                option, _, value = body.pop(0)[1:].partition(":")
                if option == "caption":
                    caption = value.strip()
            while body and not body[0].strip():
                body.pop(0)
        else:
            lang = info.split()[0] if info else ""
        before = next((lines[j].strip() for j in range(start - 1, -1, -1)
                       if lines[j].strip()), "")
        marker = _MARKER.match(before)
        found.append(Block(path, start + 1, lang, "\n".join(body) + "\n", caption,
                           marker["reason"] if marker else None))
    return found
