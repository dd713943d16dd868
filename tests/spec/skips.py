"""The one list of spec cases we do not run, keyed by the reason a user would accept.

A skipped case counts as not passing; the end-of-run summary reports the counts.
Patterns are ``fnmatch`` globs over case ids (``file.json::description``).
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Dict, List, Optional

SKIPS: Dict[str, List[str]] = {
}


def reason_for(case_id: str) -> Optional[str]:
    for reason, patterns in SKIPS.items():
        if any(fnmatchcase(case_id, pattern) for pattern in patterns):
            return reason
    return None
