"""The BSON corpus (``specs/bson-corpus``), read in place: every valid, decode-error and
parse-error case.

UUID cases of subtype 0x04 run with ``uuid_representation=STANDARD`` (the 3.4 codec
re-encodes a decoded UUID with the configured representation, PYTHON_LEGACY by default).
Deprecated types (DBPointer, symbol, undefined) decode to their modern replacements,
so re-encoding is checked against ``converted_bson``/``converted_extjson``.
"""
from __future__ import annotations

import decimal
import json
from typing import Any

import pytest

import bson
from bson import json_util
from bson.binary import STANDARD
from bson.codec_options import CodecOptions
from bson.decimal128 import Decimal128
from bson.errors import BSONError, InvalidBSON
from tests.spec.loader import file_cases, params

AREA = ("bson-corpus",)


def _cases(key: str) -> list:
    return params(file_cases(AREA, key=key))


def _normalise(text: str) -> Any:
    """Parsed JSON with key order kept and floats compared by exact value and sign."""
    return json.loads(text, object_pairs_hook=list,
                      parse_float=lambda s: ("float", repr(float(s))))


def _uses_standard_uuid(case: dict) -> bool:
    return "subtype 0x04" in case["description"]


def _codec_options(case: dict) -> CodecOptions:
    return CodecOptions(uuid_representation=STANDARD) if _uses_standard_uuid(case) \
        else CodecOptions()


def _json_options(case: dict, mode: int) -> json_util.JSONOptions:
    rep = STANDARD if _uses_standard_uuid(case) else bson.PYTHON_LEGACY
    return json_util.JSONOptions(json_mode=mode, uuid_representation=rep)


def _canonical(case: dict) -> json_util.JSONOptions:
    return _json_options(case, json_util.JSONMode.CANONICAL)


def _relaxed(case: dict) -> json_util.JSONOptions:
    return _json_options(case, json_util.JSONMode.RELAXED)


def _decode(hex_bytes: str, case: dict) -> Any:
    return bson.BSON(bytes.fromhex(hex_bytes)).decode(_codec_options(case))


def _encode(doc: Any, case: dict) -> bytes:
    return bytes(bson.BSON.encode(doc, codec_options=_codec_options(case)))


@pytest.mark.parametrize("entry", _cases("valid"))
def test_valid(entry):
    """Round trips between canonical/degenerate BSON and canonical/relaxed Extended JSON."""
    _path, file_doc, case = entry
    deprecated = file_doc.get("deprecated", False)
    cb = bytes.fromhex(case["canonical_bson"])
    # 3.4 decodes deprecated types to their replacements; the converted forms are the truth.
    expect_b = bytes.fromhex(case["converted_bson"]) if "converted_bson" in case else cb
    expect_cej = case.get("converted_extjson", case["canonical_extjson"]) if deprecated \
        else case["canonical_extjson"]
    canonical = _canonical(case)
    relaxed = _relaxed(case)

    decoded = _decode(case["canonical_bson"], case)
    assert _encode(decoded, case) == expect_b
    assert _normalise(json_util.dumps(decoded, json_options=canonical)) == _normalise(expect_cej)
    if "relaxed_extjson" in case:
        assert (_normalise(json_util.dumps(decoded, json_options=relaxed))
                == _normalise(case["relaxed_extjson"]))

    if "degenerate_bson" in case:
        assert _encode(_decode(case["degenerate_bson"], case), case) == expect_b

    parsed = json_util.loads(case["canonical_extjson"], json_options=canonical)
    assert _normalise(json_util.dumps(parsed, json_options=canonical)) == _normalise(expect_cej)
    if not case.get("lossy"):
        assert _encode(parsed, case) == expect_b

    if "degenerate_extjson" in case:
        parsed = json_util.loads(case["degenerate_extjson"], json_options=canonical)
        assert (_normalise(json_util.dumps(parsed, json_options=canonical))
                == _normalise(expect_cej))
        if not case.get("lossy"):
            assert _encode(parsed, case) == expect_b

    if "relaxed_extjson" in case:
        parsed = json_util.loads(case["relaxed_extjson"], json_options=relaxed)
        assert (_normalise(json_util.dumps(parsed, json_options=relaxed))
                == _normalise(case["relaxed_extjson"]))


@pytest.mark.parametrize("entry", _cases("decodeErrors"))
def test_decode_error(entry):
    """Malformed BSON raises InvalidBSON from every decode entry point."""
    _path, _file_doc, case = entry
    data = bytes.fromhex(case["bson"])
    with pytest.raises(InvalidBSON):
        bson.BSON(data).decode()
    with pytest.raises(InvalidBSON):
        bson.decode_all(data)
    assert bson.is_valid(data) is False


_PARSE_FAILURES = (BSONError, ValueError, TypeError, decimal.DecimalException)


@pytest.mark.parametrize("entry", _cases("parseErrors"))
def test_parse_error(entry):
    """Bad Extended JSON (or a bad Decimal128 string) is rejected, never converted."""
    _path, file_doc, case = entry
    if file_doc["bson_type"] == "0x13":
        # The documented traps: InvalidOperation, Inexact, Overflow (DecimalException).
        with pytest.raises(decimal.DecimalException):
            Decimal128(case["string"])
        return
    for options in (json_util.CANONICAL_JSON_OPTIONS, json_util.RELAXED_JSON_OPTIONS):
        with pytest.raises(_PARSE_FAILURES):
            bson.BSON.encode(json_util.loads(case["string"], json_options=options))
