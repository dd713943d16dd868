"""The compiled codec (``bson._cbson``): selection at import, its entry points, and the
edges where C code could differ from the pure codec (errors, nesting, re-entrant
codecs, the options cache, calendar limits)."""
from __future__ import annotations

import collections.abc
import datetime
import os
import subprocess
import sys
import tracemalloc
import uuid
from typing import Any, Iterator

import pytest

import bson
from bson import BSON, _encode
from bson.binary import JAVA_LEGACY, STANDARD, Binary
from bson.code import Code
from bson.codec_options import CodecOptions, TypeRegistry
from bson.datetime_ms import DatetimeMS
from bson.errors import InvalidBSON, InvalidDocument
from bson.int64 import Int64
from bson.raw_bson import RawBSONDocument
from bson.son import SON
from bson.tz_util import FixedOffset, utc
from tests.support.type_codecs import FunctionEncoder

cbson = pytest.importorskip("bson._cbson")

PURE_DECODE_ONE = getattr(bson, "_pure_decode_one", bson._decode_one)
DEFAULT_STATE = CodecOptions()._codec_state
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))


def _outcome(function: Any, *args: Any) -> Any:
    try:
        return "ok", bytes(function(*args))
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return "error", type(exc), str(exc)


def _both_encode(doc: Any, check_keys: bool = False, state: Any = DEFAULT_STATE) -> Any:
    """The outcome of both encoders, asserted equal (bytes, or exception type and text)."""
    compiled = _outcome(cbson._encode_document, doc, check_keys, state)
    assert compiled == _outcome(_encode.encode_document, doc, check_keys, state)
    return compiled


def _has_c_in_subprocess(env_no_c: str) -> str:
    env = dict(os.environ)
    env.pop("MONGOFW_NO_C", None)
    if env_no_c:
        env["MONGOFW_NO_C"] = env_no_c
    result = subprocess.run([sys.executable, "-c", "import bson; print(bson.has_c())"],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_has_c_follows_mongofw_no_c():
    """MONGOFW_NO_C=1 selects the pure codec at import, though the extension is built."""
    assert _has_c_in_subprocess("") == "True"
    assert _has_c_in_subprocess("1") == "False"


def test_selected_entry_points_are_the_compiled_ones():
    if not bson.has_c():
        pytest.skip("MONGOFW_NO_C is set: the pure codec is selected")
    assert bson.decode_all is cbson.decode_all
    assert bson._dict_to_bson is cbson._dict_to_bson


@pytest.mark.parametrize("doc,check_keys", [
    ({"a": 1, "b": [1, "x", {"c": None}], "_id": 7}, False),
    ({"k": Int64(2 ** 63)}, False),
    ({"l": [Int64(2 ** 63)]}, False),
    ({"k": 2 ** 64}, False),
    ({"k": "\ud800"}, False),
    ({"\ud800": 1}, False),
    ({"a\x00\ud800": 1}, False),
    ({"a\x00": 1}, False),
    ({1: 1}, False),
    ({"$a": 1}, True),
    ({"a": {"b.c": 1}}, True),
    ({"a": [{"$b": 1}]}, True),
    ({"s": {1, 2}}, False),
    ({"r": bson.Regex("a\x00")}, False),
    ({"r": bson.Regex("\ud800")}, False),
    ({"c": Code("\ud800")}, False),
    ({"c": Code("f", {"$x": 1})}, True),
    ({"d": bson.DBRef("c", 1, _extra={"x.y": 1})}, True),
    ({"t": bson.Timestamp(1, 2), "m": bson.MinKey(), "M": bson.MaxKey()}, False),
    ({"d": DatetimeMS(-(2 ** 63))}, False),
])
def test_errors_and_bytes_match_the_pure_encoder(doc, check_keys):
    _both_encode(doc, check_keys)


def test_top_level_errors_match():
    assert _both_encode([1]) == ("error", TypeError, "encoder expected a mapping type but got: [1]")
    raw = RawBSONDocument(BSON.encode({"a": 1}))
    assert _both_encode(raw) == ("ok", raw.raw)
    assert _both_encode(bson.DBRef("c", 1)) == ("ok", BSON.encode(SON([("$ref", "c"),
                                                                       ("$id", 1)])))


class _Mapping(collections.abc.Mapping):
    """A read-only mapping that is not a dict: encoded through items()."""

    def __init__(self, *pairs: Any) -> None:
        self._pairs = list(pairs)

    def __getitem__(self, key: Any) -> Any:
        return dict(self._pairs)[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(k for k, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)


class _ReversedList(list):
    def __iter__(self) -> Iterator[Any]:
        return reversed(list(super().__iter__()))


def test_generic_mappings_sequences_and_subclasses_match():
    doc = _Mapping(("x", 1), ("_id", 2), ("m", _Mapping(("y", [1, 2]))))
    assert _both_encode(doc)[1] == BSON.encode({"_id": 2, "x": 1, "m": {"y": [1, 2]}})
    with pytest.raises(InvalidDocument):  # a generator is not an array (3.4)
        cbson._encode_document({"g": (i for i in range(3))}, False, DEFAULT_STATE)
    assert _both_encode({"t": (1, 2)})[1] == BSON.encode({"t": [1, 2]})
    assert _both_encode({"r": _ReversedList([1, 2, 3])})[1] == BSON.encode({"r": [3, 2, 1]})

    class Text(str):
        def __str__(self) -> str:
            return "other"

    class Number(int):
        pass

    assert _both_encode({"s": Text("t"), "n": Number(2 ** 40)})[1] == BSON.encode(
        {"s": "other", "n": 2 ** 40})
    assert _both_encode({"b": bytearray(b"x")}) == (
        "error", InvalidDocument,
        "cannot encode object: bytearray(b'x'), of type: <class 'bytearray'>")


def test_dict_changed_during_encoding_is_a_runtime_error():
    doc: dict = {"a": 1}

    def grow(value: Any) -> Any:
        doc["added"] = 1
        return 0

    state = CodecOptions(type_registry=TypeRegistry(
        [FunctionEncoder(complex, grow)]))._codec_state
    doc["c"] = 1j
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        cbson._encode_document(doc, False, state)


def test_nesting_is_bounded_both_ways():
    deep: Any = {}
    node = deep
    for _ in range(100):
        node["a"] = {}
        node = node["a"]
    data = BSON.encode(deep)
    assert BSON(data).decode() == deep  # 100 levels: fine
    looped: list = []
    looped.append(looped)
    with pytest.raises(InvalidDocument, match="nested too deeply or contains itself"):
        cbson._encode_document({"l": looped}, False, DEFAULT_STATE)
    levels = 100000  # far past any recursion limit: must raise, not crash
    data = b"".join((5 + 8 * level).to_bytes(4, "little") + b"\x03a\x00"
                    for level in range(levels, 0, -1)) + b"\x05\x00\x00\x00\x00" + b"\x00" * levels
    with pytest.raises(InvalidBSON, match="nested too deeply"):
        cbson._decode_exactly_one(data, DEFAULT_STATE)


def test_codec_that_encodes_inside_encode_gets_its_own_buffer():
    def nested(value: Any) -> Any:
        return Binary(BSON.encode({"inner": value.real}), 0x80)

    options = CodecOptions(type_registry=TypeRegistry([FunctionEncoder(complex, nested)]))
    data = BSON.encode({"before": "x" * 50, "c": 2j + 3, "after": 1}, codec_options=options)
    assert BSON(data).decode() == {"before": "x" * 50, "after": 1,
                                   "c": Binary(BSON.encode({"inner": 3.0}), 0x80)}


def test_many_codec_options_in_turn_each_keep_their_own_settings():
    """More options than the cache holds, used alternately: every result is right."""
    options = [CodecOptions(tz_aware=True, tzinfo=FixedOffset(minutes, str(minutes)))
               for minutes in range(0, 40 * 15, 15)]
    data = BSON.encode({"d": datetime.datetime(2020, 1, 1)})
    for _ in range(2):
        for opts in options:
            decoded = bson.decode_all(data, opts)[0]["d"]
            assert decoded.utcoffset() == opts.tzinfo.utcoffset(None)
            assert decoded == datetime.datetime(2020, 1, 1, tzinfo=utc)


def test_input_kinds_and_argument_errors():
    data = BSON.encode({"a": 1}) + BSON.encode({"b": 2})
    for view in (data, bytearray(data), memoryview(data), memoryview(data * 2)[::2][:0]):
        expected = [] if len(view) == 0 else [{"a": 1}, {"b": 2}]
        assert cbson.decode_all(view) == expected
    strided = memoryview(bytes(b for pair in zip(data, data) for b in pair))[::2]
    assert cbson.decode_all(strided) == [{"a": 1}, {"b": 2}]
    with pytest.raises(TypeError, match="must be an instance of bytes"):
        cbson.decode_all("text")
    with pytest.raises(TypeError, match="codec_options must be an instance of CodecOptions"):
        cbson.decode_all(data, {})
    with pytest.raises(InvalidBSON, match="trailing data"):
        cbson._bson_to_dict(data)
    assert cbson._bson_to_dict(BSON.encode({"a": 1})) == {"a": 1}
    assert cbson._decode_one(data, 12, DEFAULT_STATE) == ({"b": 2}, 24)
    with pytest.raises(ValueError, match="outside the data"):
        cbson._decode_one(data, 99, DEFAULT_STATE)
    with pytest.raises(TypeError, match="from 2 to 3 positional arguments"):
        cbson._dict_to_bson({})
    assert cbson._dict_to_bson(RawBSONDocument(BSON.encode({"a": 1})), False) == BSON.encode(
        {"a": 1})


def test_decode_errors_are_invalid_bson_with_the_offset_and_cause():
    good = BSON.encode({"a": 1})
    bad_key = b"\x0c\x00\x00\x00\x10\xff\x00\x01\x00\x00\x00\x00"
    with pytest.raises(InvalidBSON, match="invalid BSON at offset 12: 'utf-8' codec") as info:
        cbson.decode_all(good + bad_key)
    assert isinstance(info.value.__cause__, UnicodeDecodeError)
    assert _pure_and_c(bad_key) == ("error", InvalidBSON)


def _pure_and_c(data: bytes, state: Any = DEFAULT_STATE) -> Any:
    outcomes = []
    for decode in (PURE_DECODE_ONE, cbson._decode_one):
        try:
            outcomes.append(("ok", decode(data, 0, state)))
        except Exception as exc:  # noqa: BLE001
            outcomes.append(("error", type(exc)))
    assert outcomes[0] == outcomes[1]
    return outcomes[0]


def test_replace_handler_does_not_poison_the_key_cache():
    data = b"\x0c\x00\x00\x00\x10\xc3\x00\x01\x00\x00\x00\x00"  # key: a lone UTF-8 lead byte
    replace = CodecOptions(unicode_decode_error_handler="replace")
    assert cbson.decode_all(data, replace) == [{"\ufffd": 1}]
    with pytest.raises(InvalidBSON):
        cbson.decode_all(data)
    ascii_key = BSON.encode({"same": 1})
    assert cbson.decode_all(ascii_key, replace) == cbson.decode_all(ascii_key) == [{"same": 1}]


@pytest.mark.parametrize("millis", [
    -62135596800000, -62135596800001, 253402300799999, 253402300800000, -1, 0, 1,
    -(2 ** 63), 2 ** 63 - 1, -86400001,
])
@pytest.mark.parametrize("options", [
    CodecOptions(), CodecOptions(tz_aware=True),
    CodecOptions(tz_aware=True, tzinfo=FixedOffset(600, "east")),
    CodecOptions(tz_aware=True, tzinfo=FixedOffset(-600, "west")),
])
def test_datetime_limits_match_the_pure_decoder(millis, options):
    data = BSON.encode({"d": DatetimeMS(millis)})
    expected = PURE_DECODE_ONE(data, 0, options._codec_state)[0]["d"]
    decoded = cbson._decode_one(data, 0, options._codec_state)[0]["d"]
    assert type(decoded) is type(expected)
    assert decoded == expected
    if isinstance(expected, datetime.datetime):
        assert decoded.tzinfo == expected.tzinfo
    assert _both_encode({"d": decoded})[1] == data


def test_aware_datetimes_encode_as_utc_milliseconds():
    east = datetime.datetime(2020, 1, 1, 10, 0, 0, 999999, tzinfo=FixedOffset(600, "e"))
    assert _both_encode({"d": east})[1] == BSON.encode(
        {"d": datetime.datetime(2020, 1, 1, 0, 0, 0, 999000)})
    before_epoch = datetime.datetime(1969, 12, 31, 23, 59, 59, 999999)
    assert _both_encode({"d": before_epoch})[1] == BSON.encode({"d": DatetimeMS(-1)})


def test_uuids_under_plugin_representations_call_their_functions():
    class Reversed:
        code, name, subtype = 200, "REVERSED", 0x83

        @staticmethod
        def to_binary(value: uuid.UUID) -> bytes:
            return value.bytes[::-1]

        @staticmethod
        def from_binary(data: bytes) -> uuid.UUID:
            return uuid.UUID(bytes=data[::-1])

    options = CodecOptions(uuid_representation=200,
                           type_registry=TypeRegistry(uuid_representations=[Reversed]))
    value = uuid.uuid4()
    data = _both_encode({"u": value}, state=options._codec_state)[1]
    assert data[-18:-1] == b"\x83" + value.bytes[::-1]
    # Subtype 0x83 is not a UUID subtype: it decodes as Binary, as in the pure decoder.
    assert _pure_and_c(data, options._codec_state)[1][0] == {"u": Binary(value.bytes[::-1],
                                                                         0x83)}
    java = CodecOptions(uuid_representation=JAVA_LEGACY)
    for opts in (java, CodecOptions(uuid_representation=STANDARD)):
        assert _pure_and_c(BSON.encode({"u": value}, codec_options=opts),
                           opts._codec_state)[1][0] == {"u": value}


def _call_often(function: Any, times: int) -> None:
    for _ in range(times):
        try:
            function()
        except Exception:  # noqa: BLE001, S110 - error paths are what is measured
            pass


def _refcount_steady(function: Any, *watched: Any) -> None:
    _call_often(function, 3)  # the options cache keeps a reference to options in use
    before = [sys.getrefcount(obj) for obj in watched]
    _call_often(function, 500)
    assert [sys.getrefcount(obj) for obj in watched] == before


def test_error_paths_release_their_references():
    """Neither the input values nor the options gain references over many failed calls."""
    value, key = "kept" * 10, ("tuple-key",)
    options = CodecOptions(tz_aware=True, type_registry=TypeRegistry(
        [FunctionEncoder(complex, lambda c: c)], fallback_encoder=lambda c: c))
    _refcount_steady(lambda: cbson._dict_to_bson({"a": value, key: value}, False), value, key)
    _refcount_steady(lambda: cbson._dict_to_bson({"a": [value, {"b": 2 ** 70}]}, False), value)
    _refcount_steady(lambda: cbson._dict_to_bson({"a": value, "c": 1j}, False, options),
                     value, options)
    data = BSON.encode({"a": value, "b": [1, {"c": "x" * 40}]})
    for cut in range(5, len(data)):
        broken = data[:cut] + b"\x00"
        _refcount_steady(lambda b=broken: cbson.decode_all(b, options), options)


def test_success_paths_release_their_references():
    value = "kept" * 10
    doc = {"s": value, "l": [value, (value,)], "d": {"s": value}, "u": uuid.uuid4(),
           "t": datetime.datetime(2020, 1, 1, tzinfo=utc), "c": Code("x", {"v": value})}
    options = CodecOptions(document_class=SON, tz_aware=True, tzinfo=FixedOffset(60, "x"))
    data = BSON.encode(doc)
    _refcount_steady(lambda: cbson._dict_to_bson(doc, True, options), value, options)
    _refcount_steady(lambda: cbson.decode_all(data * 3, options), options, data)


def _memory_growth(function: Any, calls: int = 2000) -> int:
    """Bytes still allocated after ``calls`` more calls (warmed up: caches are full)."""
    _call_often(function, 200)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        _call_often(function, calls)
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.mark.skipif(bool(os.environ.get("PYTHONMALLOC")),
                    reason="with PYTHONMALLOC set (scripts/check-c-ext uses malloc) tracemalloc "
                           "reports growth for pure-Python datetime code too")
@pytest.mark.parametrize("case", ["encode", "encode_error", "decode", "decode_error"])
def test_no_object_is_leaked_per_call(case):
    """A single object leaked per call (>= 28 bytes) would grow memory by 56 KB here."""
    doc = {"s": "x", "i": 2 ** 40, "f": 1.5, "l": [1, (2,)], "d": {"u": uuid.uuid4()},
           "t": datetime.datetime(2020, 1, 1, tzinfo=FixedOffset(60, "x")), "b": Binary(b"1", 9),
           "c": Code("x", {"v": Int64(1)}), "r": bson.Regex("a", 2), "m": DatetimeMS(2 ** 62),
           "ts": bson.Timestamp(1, 2), "o": bson.ObjectId(), "k": bson.MaxKey(),
           "dec": bson.Decimal128("1.5"), "ref": bson.DBRef("c", 1)}
    options = CodecOptions(document_class=SON, tz_aware=True, tzinfo=FixedOffset(-60, "y"),
                           unicode_decode_error_handler="replace")
    data = BSON.encode(doc)
    calls = {
        "encode": lambda: cbson._dict_to_bson(doc, True, options),
        "encode_error": lambda: cbson._dict_to_bson({**doc, "z": {"bad": 2 ** 64}}, False),
        "decode": lambda: cbson.decode_all(data, options),
        "decode_error": lambda: cbson.decode_all(data[:-9] + b"\x00", options),
    }
    assert _memory_growth(calls[case]) < 16 * 1024
