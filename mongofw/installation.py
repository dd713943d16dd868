"""Is this environment's ``pymongo`` mongofw's, and keeping it so.

Libraries on the 3.x API depend on the distribution named ``pymongo``; mongofw ships one
(``packaging/pymongo``) whose version carries the local label ``+mongofw.<version>``.
pip never swaps an installed distribution for another version on its own, but a new
library whose requirement the installed one does not meet (``pymongo>=4``) makes pip
fetch PyMongo from PyPI, which replaces ours.  :func:`pin` writes a pip constraint into
the virtual environment's own pip configuration, so pip then picks a version of such a
library that works with ours (or fails, saying why) instead.  :func:`problems` says
whether the current ``pymongo`` / ``bson`` are still ours.
"""
from __future__ import annotations

import configparser
import importlib
import sys
from pathlib import Path
from typing import List, Optional

from mongofw._version import __version__

LABEL = "+mongofw."
CONSTRAINTS_FILE = "mongofw-constraints.txt"


def _distribution_version(name: str) -> Optional[str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def problems() -> List[str]:
    """What is wrong with this environment's pymongo/bson, as sentences (empty: all well)."""
    found = []
    dist = _distribution_version("pymongo")
    if dist is None:
        found.append("no distribution named 'pymongo' is installed: libraries that depend "
                      "on pymongo will make pip fetch PyMongo (install packaging/pymongo)")
    elif LABEL not in dist:
        found.append(f"the installed 'pymongo' distribution is {dist}, not mongofw's "
                     f"(its version would end in {LABEL}<version>): PyMongo from PyPI "
                     f"replaced it; reinstall mongofw's packaging/pymongo")
    for module in ("pymongo", "bson"):
        try:
            served_by = getattr(importlib.import_module(module), "_SERVED_BY", None)
        except ImportError as exc:
            found.append(f"import {module} fails: {exc}")
            continue
        if served_by != "mongofw":
            found.append(f"import {module} gives another package than mongofw's "
                         f"({importlib.import_module(module).__file__})")
    return found


def _site_config() -> Path:
    # pip reads <prefix>/pip.conf as the "site" configuration of a virtual environment.
    return Path(sys.prefix) / "pip.conf"


def _require_virtual_environment() -> None:
    if sys.prefix == sys.base_prefix:
        raise RuntimeError("not in a virtual environment: pinning would change pip's "
                           "configuration for the whole Python installation")


def pin() -> Path:
    """Constrain pip in this virtual environment to the installed (mongofw) pymongo.

    Returns the constraints file.  ``RuntimeError`` outside a virtual environment or
    when the installed ``pymongo`` is not mongofw's.
    """
    _require_virtual_environment()
    dist = _distribution_version("pymongo")
    if dist is None or LABEL not in dist:
        raise RuntimeError(f"the installed pymongo ({dist}) is not mongofw's; install "
                           f"mongofw's packaging/pymongo first")
    constraints = Path(sys.prefix) / CONSTRAINTS_FILE
    constraints.write_text(f"# Written by `python -m mongofw pin` (mongofw {__version__}).\n"
                           f"pymongo=={dist}\n", encoding="utf-8")
    config = configparser.ConfigParser()
    path = _site_config()
    config.read(path, encoding="utf-8")
    if not config.has_section("install"):
        config.add_section("install")
    config.set("install", "constraint", str(constraints))
    with path.open("w", encoding="utf-8") as handle:
        config.write(handle)
    return constraints


def unpin() -> bool:
    """Remove the constraint :func:`pin` wrote; whether there was one."""
    _require_virtual_environment()
    path = _site_config()
    config = configparser.ConfigParser()
    config.read(path, encoding="utf-8")
    constraints = Path(sys.prefix) / CONSTRAINTS_FILE
    had = config.has_option("install", "constraint") and \
        config.get("install", "constraint") == str(constraints)
    if had:
        config.remove_option("install", "constraint")
        with path.open("w", encoding="utf-8") as handle:
            config.write(handle)
    constraints.unlink(missing_ok=True)
    return had
