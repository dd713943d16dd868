"""Where the data shared between projects lives: ``../shared`` beside the checkout.

``specs/`` holds MongoDB's cross-driver JSON tests (read by ``tests/spec``), ``api/`` the
documented PyMongo 3.4 API pages and ``api-3.13/`` PyMongo 3.13's (read by
``tests/reference``).  A clone without them
still runs everything else: the root ``conftest.py`` leaves those folders out and says
so in one line.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_ENV = "MONGOFW_SHARED_DIR"
SHARED = Path(os.environ.get(SHARED_ENV) or ROOT.parent / "shared")
SPECS = Path(os.environ.get("MONGOFW_SPECS_DIR") or SHARED / "specs")
API = Path(os.environ.get("MONGOFW_API_DIR") or SHARED / "api")
API_313 = Path(os.environ.get("MONGOFW_API_313_DIR") or SHARED / "api-3.13")

# Test folder -> (the data it reads, the variable that points at that data alone).
NEEDS = {
    "spec": (SPECS, "MONGOFW_SPECS_DIR"),
    "reference": (API, "MONGOFW_API_DIR"),
}
