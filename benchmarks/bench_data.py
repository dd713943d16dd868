"""Benchmark inputs: the driver-benchmarking spec documents, read in place, as values of the
``bson`` package of whichever implementation imports this module.

Both implementations get byte-identical documents: Extended JSON is turned into Python values
here, with the standard library and each side's own ``bson`` types, instead of each side's
``json_util`` (PyMongo 3.4's reads only legacy Extended JSON, PyMongo 4's both).  A missing
input file is replaced by a document generated from a fixed seed, so the suite still runs.
"""
from __future__ import annotations

import base64
import datetime
import json
import os
import random
import string
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

ROOT = Path(__file__).resolve().parents[1]
SPECS = Path(os.environ.get("MONGOFW_SPECS_DIR")
             or Path(os.environ.get("MONGOFW_SHARED_DIR") or ROOT.parent / "shared") / "specs")
BENCH_DATA = SPECS / "benchmarking"
EPOCH = datetime.datetime(1970, 1, 1)
GRIDFS_SEED = 20160101


def _types() -> Dict[str, Any]:
    # Imported late: the caller's interpreter decides which ``bson`` this is.
    from bson.binary import Binary
    from bson.code import Code
    from bson.decimal128 import Decimal128
    from bson.int64 import Int64
    from bson.max_key import MaxKey
    from bson.min_key import MinKey
    from bson.objectid import ObjectId
    from bson.regex import Regex
    from bson.timestamp import Timestamp
    return {"Binary": Binary, "Code": Code, "Decimal128": Decimal128, "Int64": Int64,
            "MaxKey": MaxKey, "MinKey": MinKey, "ObjectId": ObjectId, "Regex": Regex,
            "Timestamp": Timestamp}


def _date(value: Any) -> datetime.datetime:
    millis = int(value["$numberLong"]) if isinstance(value, dict) else int(value)
    return EPOCH + datetime.timedelta(milliseconds=millis)


def _binary(t: Dict[str, Any], value: Dict[str, str]) -> Any:
    data, subtype = base64.b64decode(value["base64"]), int(value["subType"], 16)
    # Subtype 0 decodes to plain bytes on both sides: keep documents equal to their round trip.
    return data if subtype == 0 else t["Binary"](data, subtype)


def _converters(t: Dict[str, Any]) -> Dict[str, Callable[[Dict[str, Any]], Any]]:
    """Canonical Extended JSON v2 wrapper key -> converter of the whole wrapper object."""
    return {
        "$numberInt": lambda o: int(o["$numberInt"]),
        "$numberLong": lambda o: t["Int64"](int(o["$numberLong"])),
        "$numberDouble": lambda o: float(o["$numberDouble"]),
        "$numberDecimal": lambda o: t["Decimal128"](o["$numberDecimal"]),
        "$oid": lambda o: t["ObjectId"](o["$oid"]),
        "$binary": lambda o: _binary(t, o["$binary"]),
        "$code": lambda o: (t["Code"](o["$code"], o["$scope"]) if "$scope" in o
                            else t["Code"](o["$code"])),
        "$date": lambda o: _date(o["$date"]),
        "$maxKey": lambda o: t["MaxKey"](),
        "$minKey": lambda o: t["MinKey"](),
        "$regularExpression": lambda o: t["Regex"](o["$regularExpression"]["pattern"],
                                                   o["$regularExpression"]["options"]),
        "$timestamp": lambda o: t["Timestamp"](o["$timestamp"]["t"], o["$timestamp"]["i"]),
    }


def parse_extended_json(text: str) -> Any:
    """Parse canonical Extended JSON v2 into this interpreter's BSON values.

    Raises ValueError for a ``$``-prefixed wrapper this suite does not know, rather than
    silently benchmarking a different document.
    """
    converters = _converters(_types())

    def hook(pairs: List[Any]) -> Any:
        obj = dict(pairs)
        if pairs and pairs[0][0].startswith("$"):
            key = pairs[0][0]
            if key not in converters:
                raise ValueError(f"unsupported Extended JSON wrapper {key!r} in {obj!r}; "
                                 f"known: {sorted(converters)}")
            # $scope rides along with $code; every other wrapper stands alone.
            return converters[key](obj)
        return obj

    return json.loads(text, object_pairs_hook=hook)


def _generated_document(name: str) -> Dict[str, Any]:
    """A stand-in for a missing spec document, the same on every run and both sides."""
    rng = random.Random(name)
    t = _types()

    def word(n: int = 8) -> str:
        return "".join(rng.choice(string.ascii_letters) for _ in range(n))

    doc: Dict[str, Any] = {"_id": t["ObjectId"]("5a0b1c2d3e4f5a6b7c8d9e0f")}
    if name == "deep_bson":
        node: Dict[str, Any] = {}
        doc[word()] = node
        for _ in range(8):
            child: Dict[str, Any] = {}
            node.update({word(): word(), word(): child})
            node = child
        return doc
    for i in range(96 if name == "flat_bson" else 48):
        kind = i % 4
        value: Any = [word(), rng.randrange(2 ** 31), t["Int64"](rng.randrange(2 ** 62)),
                      rng.random()][kind]
        doc[word()] = value
    if name == "full_bson":
        doc.update({word(): word(60).encode(), word(): t["MaxKey"](),
                    word(): t["MinKey"](), word(): _date(776822400000),
                    word(): t["Regex"]("^" + word(), "i"), word(): t["Timestamp"](1, 2),
                    word(): t["Code"](word(80), {}), word(): [word(), 1, 2.5, None, True]})
    return doc


def load_document(folder: str, name: str) -> Any:
    """The spec document ``benchmarking/<folder>/<name>.json``, or a generated stand-in."""
    path = BENCH_DATA / folder / f"{name}.json"
    if not path.exists():
        # stderr: a worker's stdout carries its replies to the orchestrator.
        print(f"note: {path} not found; using a generated {name} document", file=sys.stderr)
        return _generated_document(name)
    return parse_extended_json(path.read_text(encoding="utf-8"))


def gridfs_payload(size: int) -> bytes:
    """``size`` pseudo-random bytes from a fixed seed (the spec's 50 MB file is not shipped)."""
    return random.Random(GRIDFS_SEED).randbytes(size)
