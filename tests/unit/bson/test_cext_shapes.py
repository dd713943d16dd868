"""The compiled decoder's shape reuse (bson/_cext/decode_shape.c): documents in a row
with the same, similar or different keys decode exactly as the pure decoder decodes
them, including duplicate names, non-ASCII names, names that are prefixes of one
another, and documents that re-enter the decoder from a type decoder."""
from __future__ import annotations

from typing import Any, List

import pytest

import bson
from bson.codec_options import CodecOptions, TypeRegistry
from bson.int64 import Int64
from bson.son import SON

cbson = pytest.importorskip("bson._cbson")
DEFAULT = CodecOptions()
PURE_DECODE_ALL = getattr(bson, "_pure_decode_all", bson.decode_all)


def _element(name: bytes, value: int) -> bytes:
    return b"\x10" + name + b"\x00" + value.to_bytes(4, "little", signed=True)


def _document(*elements: bytes) -> bytes:
    body = b"".join(elements)
    return (len(body) + 5).to_bytes(4, "little") + body + b"\x00"


def _both(data: bytes, options: CodecOptions = DEFAULT) -> List[Any]:
    expected = PURE_DECODE_ALL(data, options)
    got = bson.decode_all(data, options)
    assert got == expected
    assert [list(d) for d in got] == [list(d) for d in expected]
    assert [type(d) for d in got] == [type(d) for d in expected]
    return got


NAME_SEQUENCES = [
    [b"a", b"b", b"c"],
    [b"a", b"b", b"c"],
    [b"a", b"b"],                    # shorter
    [b"a", b"b", b"c", b"d"],        # longer
    [b"ab", b"b", b"c"],             # a name extending the shape's
    [b"", b"b", b"c"],               # empty name
    [b"a", b"a", b"c"],              # duplicate: the dict keeps fewer keys
    ["\u00e9t\u00e9".encode(), b"b"],  # non-ASCII: never part of a shape
    [b"abcdefghijklmnop", b"abcdefghijklmnoq"],  # differ only after eight bytes
    [b"abcdefghijklmnop", b"abcdefghijklmnop"],
    [],
]


@pytest.mark.parametrize("order", [1, -1])
def test_runs_of_documents_with_changing_names_match_the_pure_decoder(order: int) -> None:
    docs = [_document(*(_element(n, i) for i, n in enumerate(names)))
            for names in NAME_SEQUENCES[::order]]
    data = b"".join(docs + docs)
    _both(data)
    for doc in docs:  # one at a time too: the shape outlives a call
        assert bson.decode(doc) == PURE_DECODE_ALL(doc, CodecOptions())[0]


def test_nested_documents_keep_one_shape_per_depth() -> None:
    inner = {"left": {"x": 1, "y": 2}, "right": {"x": 3, "y": 4}}
    docs = [{"a": inner, "b": [inner, {"z": Int64(5)}]}, {"a": {"left": 1}, "b": []}, {"a": inner}]
    got = _both(b"".join(bson.encode(d) for d in docs * 3))
    assert got == docs * 3


def test_alternating_sub_documents_at_one_depth_match_the_pure_decoder() -> None:
    # Each depth keeps several shapes, picked by the first name's first two bytes:
    # documents of different kinds alternate, share a slot ("user"/"usage"), start with
    # a one-byte or an empty name, or hold nothing.
    kinds = [{"user": 1, "name": "x", "n": 2}, {"friends": 3, "count": 4},
             {"usage": 5, "name": "y"}, {"u": 6}, {"": 7, "e": 8}, {},
             {"user": 9, "name": "z"}, {"friends": 10, "count": 11, "more": 12}]
    docs = [{"top": kinds[i % len(kinds)], "next": kinds[(i * 3) % len(kinds)],
             "list": [kinds[(i + 1) % len(kinds)], kinds[i % len(kinds)]]}
            for i in range(3 * len(kinds))]
    assert _both(b"".join(bson.encode(d) for d in docs)) == docs


def test_shapes_do_not_apply_to_other_document_classes() -> None:
    options = CodecOptions(document_class=SON)
    data = b"".join(bson.encode(SON([("b", 1), ("a", 2)])) for _ in range(3))
    got = _both(data, options)
    assert all(isinstance(d, SON) and list(d) == ["b", "a"] for d in got)


def test_replace_handler_and_ascii_names_share_shapes() -> None:
    data = _document(_element(b"k", 1), b"\x02s\x00\x03\x00\x00\x00\xff\xfe\x00")
    strict = CodecOptions()
    replace = CodecOptions(unicode_decode_error_handler="replace")
    got = _both(data + data, replace)
    assert got[0]["s"] == "\ufffd\ufffd"
    with pytest.raises(bson.errors.InvalidBSON):
        bson.decode(data, strict)


def test_a_type_decoder_that_decodes_while_decoding_sees_its_own_shapes() -> None:
    other = bson.encode({"p": 1, "q": 2, "r": {"s": 3}})

    class Reenter:
        bson_type = int

        def transform_bson(self, value: Any) -> Any:  # noqa: D102
            return (value, bson.decode(other))

    from bson.codec_options import TypeDecoder
    decoder = type("D", (TypeDecoder,), {"bson_type": int,
                                         "transform_bson": Reenter.transform_bson})()
    options = CodecOptions(type_registry=TypeRegistry([decoder]))
    docs = [{"a": 1, "b": {"c": 2, "d": 3}}, {"a": 4, "b": {"c": 5, "d": 6}}]
    data = b"".join(bson.encode(d) for d in docs)
    got = bson.decode_all(data, options)
    assert got == PURE_DECODE_ALL(data, options)
    assert got[1]["b"]["d"] == (6, {"p": 1, "q": 2, "r": {"s": 3}})


@pytest.mark.parametrize("value", [0, 1, -1, 2 ** 30, -(2 ** 30), 2 ** 62, 2 ** 63 - 1,
                                   -(2 ** 63)])
def test_int64_values_are_exact_int64_instances(value: int) -> None:
    got = bson.decode(bson.encode({"v": Int64(value)}))["v"]
    assert type(got) is Int64 and got == value and hash(got) == hash(value)
    got.attribute = 1  # Int64 instances keep a __dict__
    assert vars(got) == {"attribute": 1}
    assert str(got) == str(value) and got + 0 == value
