"""GridFS spec (legacy format): GridFSBucket upload, download, download by name and delete
against the real server, comparing results, errors and the ``fs.*`` collections."""
from __future__ import annotations

import copy
import io
from typing import Any, Dict, List, Mapping

import pytest

from bson.codec_options import CodecOptions
from bson.son import SON
from gridfs import GridFSBucket
from gridfs.errors import CorruptGridFile, NoFile
from tests.spec.loader import file_cases, params

pytestmark = pytest.mark.server

ERRORS = {"FileNotFound": NoFile, "RevisionNotFound": NoFile,
          "ChunkIsMissing": CorruptGridFile, "ChunkIsWrongSize": CorruptGridFile}
ANY = "*actual"


def _act(bucket: GridFSBucket, act: Mapping[str, Any]) -> Any:
    args = act.get("arguments", {})
    options = args.get("options", {})
    operation = act["operation"]
    if operation == "upload":
        return bucket.upload_from_stream(args["filename"], args["source"],
                                         chunk_size_bytes=options.get("chunkSizeBytes"),
                                         metadata=options.get("metadata"))
    if operation == "download":
        out = io.BytesIO()
        bucket.download_to_stream(args["id"], out)
        return out.getvalue()
    if operation == "download_by_name":
        out = io.BytesIO()
        bucket.download_to_stream_by_name(args["filename"], out,
                                          revision=options.get("revision", -1))
        return out.getvalue()
    if operation == "delete":
        return bucket.delete(args["id"])
    raise AssertionError(f"unknown operation {operation!r}")


def _resolve(value: Any, result: Any) -> Any:
    if value == "*result":
        return result
    if isinstance(value, Mapping):
        return {k: _resolve(v, result) for k, v in value.items()}
    return value


def _matches(query: Mapping[str, Any], document: Mapping[str, Any]) -> bool:
    return all(document.get(k) == v for k, v in query.items())


def _expected(initial: Mapping[str, List[Any]], commands: List[Any], result: Any
              ) -> Dict[str, List[Any]]:
    """The spec's expected fs.files / fs.chunks: the initial data with its commands applied."""
    expected = {"files": copy.deepcopy(initial["files"]),
                "chunks": copy.deepcopy(initial["chunks"])}
    for command in commands:
        name = next(iter(command))
        target = command[name].split(".", 1)[1]
        if name == "insert":
            expected[target].extend(_resolve(d, result) for d in command["documents"])
        elif name == "delete":
            for delete in command["deletes"]:
                query = _resolve(delete["q"], result)
                kept, removed = [], 0
                for document in expected[target]:
                    if _matches(query, document) and (delete["limit"] == 0 or removed < 1):
                        removed += 1
                    else:
                        kept.append(document)
                expected[target] = kept
        else:
            raise AssertionError(f"unknown assert command {name!r}")
    return expected


def _same(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    if set(expected) != set(actual):
        return False
    return all(value == ANY or actual[key] == value for key, value in expected.items())


def _sort_key(document: Mapping[str, Any]) -> Any:
    return (str(document.get("files_id", document.get("_id"))), document.get("n", 0))


def _check_collection(db: Any, name: str, expected: List[Any]) -> None:
    # The spec's dates are parsed timezone-aware, so read them back aware too.
    collection = db.get_collection(f"fs.{name}", codec_options=CodecOptions(tz_aware=True))
    actual = sorted(collection.find(), key=_sort_key)
    expected = sorted(expected, key=_sort_key)
    assert len(actual) == len(expected), (name, actual, expected)
    for want, got in zip(expected, actual):
        assert _same(want, got), (name, want, got)


@pytest.mark.parametrize("case", params(file_cases(("gridfs", "legacy"), extended=True)))
def test_gridfs(case: Any, db: Any) -> None:
    _path, spec, test = case
    data = spec["data"]
    for name in ("files", "chunks"):
        if data[name]:
            db[f"fs.{name}"].insert_many(copy.deepcopy(data[name]))
    for command in test.get("arrange", {}).get("data", []):
        db.command(SON(command))
    # disableMD5 is a bucket option in the 3.x API (GridFSBucket(disable_md5=True), 3.7).
    options = test["act"].get("arguments", {}).get("options", {})
    bucket = GridFSBucket(db, disable_md5=bool(options.get("disableMD5", False)))
    expect = test["assert"]
    if "error" in expect:
        with pytest.raises(ERRORS[expect["error"]]):
            _act(bucket, test["act"])
        result = None
    else:
        result = _act(bucket, test["act"])
        wanted = expect.get("result")
        if wanted == "void":
            assert result is None
        elif wanted != "&result":
            assert result == wanted
    if "data" in expect:
        expected = _expected(data, expect["data"], result)
        _check_collection(db, "files", expected["files"])
        _check_collection(db, "chunks", expected["chunks"])
