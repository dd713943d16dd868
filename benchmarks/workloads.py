"""The benchmarks, in the shape of the MongoDB driver-benchmarking specification.

Each :class:`Workload` runs in a worker interpreter of one implementation, through an
:class:`Api` adapter: PyMongo 3.4's documented API on our side (``bson.BSON.encode``,
``BSON.decode``), PyMongo 4's on the other (``bson.encode``, ``bson.decode``).  The client,
collection and GridFS calls are spelled the same in both.  One iteration runs ``ops``
operations; setup (inserting fixtures, dropping collections, copying documents) happens in
:meth:`Workload.prepare` and :meth:`Workload.before`, outside the timed part.
"""
from __future__ import annotations

import abc
from typing import Any, Dict, List, Optional

from bench_data import gridfs_payload, load_document

MB = 1_000_000
BSON_DOCS = "extended_bson"
CRUD_DOCS = "single_and_multi_document"
FIND_ONE_FIXTURES = 100
LARGE_DOC_FIELDS = 10_000


class Skip(Exception):
    """This workload cannot run in this interpreter (e.g. no ``gridfs`` package)."""


class Api(abc.ABC):
    """What differs between the implementations: their documented BSON entry points."""

    label = ""

    def __init__(self) -> None:
        import bson
        import pymongo
        self.bson = bson
        self.pymongo = pymongo

    @abc.abstractmethod
    def encode(self, doc: Any) -> bytes:
        """One document to BSON bytes (setup only, never timed)."""

    @abc.abstractmethod
    def encode_loop(self, doc: Any, n: int) -> None:
        """Encode ``doc`` ``n`` times: the timed body of the encode benchmarks."""

    @abc.abstractmethod
    def decode_loop(self, data: bytes, n: int) -> None:
        """Decode ``data`` ``n`` times: the timed body of the decode benchmarks."""

    def client(self, uri: str) -> Any:
        return self.pymongo.MongoClient(uri)

    def bucket(self, db: Any, md5: bool = False) -> Any:
        """A GridFSBucket; ``md5``: store the files' MD5 (PyMongo 3.x's default).

        PyMongo 4 computes no MD5 at all, so by default our side disables it too
        (``disable_md5=True``, a 3.x option) and both do the same work.
        """
        try:
            import gridfs
        except ImportError as exc:
            raise Skip(f"gridfs is not importable here: {exc}") from None
        if self.label == "3.4":
            return gridfs.GridFSBucket(db, disable_md5=not md5)
        return gridfs.GridFSBucket(db)


class Api34(Api):
    """Our implementation, through the documented PyMongo 3.4 API."""

    label = "3.4"

    def encode(self, doc: Any) -> bytes:
        return bytes(self.bson.BSON.encode(doc))

    def encode_loop(self, doc: Any, n: int) -> None:
        encode = self.bson.BSON.encode
        for _ in range(n):
            encode(doc)

    def decode_loop(self, data: bytes, n: int) -> None:
        # The 3.4 spelling decodes a BSON instance; wrapping it is setup, not decoding.
        decode = self.bson.BSON(data).decode
        for _ in range(n):
            decode()


class Api4(Api):
    """PyMongo 4, through its module-level ``bson.encode`` / ``bson.decode``."""

    label = "4"

    def encode(self, doc: Any) -> bytes:
        return self.bson.encode(doc)

    def encode_loop(self, doc: Any, n: int) -> None:
        encode = self.bson.encode
        for _ in range(n):
            encode(doc)

    def decode_loop(self, data: bytes, n: int) -> None:
        decode = self.bson.decode
        for _ in range(n):
            decode(data)


APIS = {"3.4": Api34, "4": Api4}


class Context:
    """State one workload keeps in one worker between iterations."""

    def __init__(self, api: Api, ops: int, uri: Optional[str] = None,
                 db_name: str = "mongofw_bench") -> None:
        self.api = api
        self.ops = ops
        self.uri = uri
        self.db_name = db_name
        self.bytes_per_op: Optional[int] = None
        self.client: Any = None
        self.db: Any = None
        self.coll: Any = None
        self.doc: Any = None
        self.blob = b""
        self.copies: List[Any] = []
        self.bucket: Any = None
        self.file_id: Any = None
        # What run() reports beyond wall and CPU time (threads: "ops", "min_share").
        self.result: Dict[str, Any] = {}


class Workload(abc.ABC):
    """One benchmark: ``ops`` operations per timed iteration (``quick_ops`` with --quick)."""

    group = ""
    op = "operation"
    server = True

    def __init__(self, name: str, ops: int, quick_ops: int, doc: str = "",
                 rounds: Optional[int] = None) -> None:
        self.name = name
        self.ops = ops
        self.quick_ops = quick_ops
        self.doc_name = doc
        # Timed iterations per implementation, when not the run's default (slow workloads).
        self.rounds = rounds

    @property
    def unit(self) -> str:
        return "ops/s" if self.op == "command" else "MB/s"

    def prepare(self, ctx: Context) -> None:
        """Untimed, once per worker: connect, load data, insert fixtures."""
        if self.server:
            if not ctx.uri:
                raise Skip("no server URI given")
            ctx.client = ctx.api.client(ctx.uri)
            ctx.db = ctx.client[ctx.db_name]
            ctx.db.drop_collection("corpus")
            ctx.coll = ctx.db["corpus"]

    def before(self, ctx: Context) -> None:  # noqa: B027 - most workloads reset nothing
        """Untimed, before each iteration."""

    @abc.abstractmethod
    def run(self, ctx: Context) -> None:
        """The timed iteration."""

    def cleanup(self, ctx: Context) -> None:
        if ctx.client is not None:
            ctx.client.drop_database(ctx.db_name)
            ctx.client.close()


class BsonEncode(Workload):
    group, op, server = "bson", "document", False

    def prepare(self, ctx: Context) -> None:
        ctx.doc = load_document(BSON_DOCS, self.doc_name)
        ctx.bytes_per_op = len(ctx.api.encode(ctx.doc))

    def run(self, ctx: Context) -> None:
        ctx.api.encode_loop(ctx.doc, ctx.ops)


class BsonDecode(BsonEncode):
    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        ctx.blob = ctx.api.encode(ctx.doc)

    def run(self, ctx: Context) -> None:
        ctx.api.decode_loop(ctx.blob, ctx.ops)


class JsonDumps(BsonEncode):
    """``bson.json_util.dumps`` of the spec document, relaxed Extended JSON on both sides
    (PyMongo 4's default; ``RELAXED_JSON_OPTIONS`` in 3.5+).  MB/s of JSON text."""

    group = "json"

    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        from bson import json_util
        self.json_util = json_util
        ctx.blob = json_util.dumps(ctx.doc, json_options=json_util.RELAXED_JSON_OPTIONS)
        ctx.bytes_per_op = len(ctx.blob.encode())  # both sides must write the same text

    def run(self, ctx: Context) -> None:
        dumps, doc = self.json_util.dumps, ctx.doc
        opts = self.json_util.RELAXED_JSON_OPTIONS
        for _ in range(ctx.ops):
            dumps(doc, json_options=opts)


class JsonLoads(JsonDumps):
    """``bson.json_util.loads`` of that text (relaxed options on both sides)."""

    def run(self, ctx: Context) -> None:
        loads, text = self.json_util.loads, ctx.blob
        opts = self.json_util.RELAXED_JSON_OPTIONS
        for _ in range(ctx.ops):
            loads(text, json_options=opts)


class RunCommand(Workload):
    group, op = "single", "command"

    def run(self, ctx: Context) -> None:
        command = ctx.client.admin.command
        for _ in range(ctx.ops):
            command("ismaster")


class FindOneById(Workload):
    group, op = "single", "document"

    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        from bson.objectid import ObjectId
        tweet = load_document(CRUD_DOCS, "tweet")
        # The spec inserts 10,000 tweets with _id 1..10,000.  The bundled server (FerretDB on
        # SQLite) scans the collection for every _id lookup, ~0.4 ms per document for integer
        # ids and ~30 us for ObjectIds, so the lookups cycle over FIND_ONE_FIXTURES tweets
        # keyed by fixed ObjectIds instead: the driver's work per lookup is the same.
        ctx.copies = [ObjectId(f"{i:024x}") for i in range(FIND_ONE_FIXTURES)]
        ctx.coll.insert_many([dict(tweet, _id=oid) for oid in ctx.copies])
        ctx.bytes_per_op = len(ctx.api.encode(dict(tweet, _id=ctx.copies[0])))

    def run(self, ctx: Context) -> None:
        find_one, ids = ctx.coll.find_one, ctx.copies
        for i in range(ctx.ops):
            find_one({"_id": ids[i % FIND_ONE_FIXTURES]})


class InsertOne(Workload):
    group, op = "single", "document"

    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        ctx.doc = load_document(CRUD_DOCS, self.doc_name)
        if self.doc_name == "large_doc":
            # The whole 2.5 MB, 94,355-field document takes the bundled server ~25 s per
            # insert (its cost grows faster than the field count); its first
            # LARGE_DOC_FIELDS fields (~270 KB) keep a run within minutes.
            ctx.doc = dict(list(ctx.doc.items())[:LARGE_DOC_FIELDS])
        ctx.bytes_per_op = len(ctx.api.encode(ctx.doc))

    def before(self, ctx: Context) -> None:
        ctx.db.drop_collection("corpus")
        ctx.coll = ctx.db.create_collection("corpus")
        # Inserting adds "_id" to the document: every operation gets its own copy.
        ctx.copies = [dict(ctx.doc) for _ in range(ctx.ops)]

    def run(self, ctx: Context) -> None:
        insert_one = ctx.coll.insert_one
        for doc in ctx.copies:
            insert_one(doc)


class BulkInsert(InsertOne):
    group = "multi"

    def run(self, ctx: Context) -> None:
        ctx.coll.insert_many(ctx.copies)


class FindMany(Workload):
    group, op = "multi", "document"

    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        tweet = load_document(CRUD_DOCS, "tweet")
        ctx.coll.insert_many([dict(tweet) for _ in range(ctx.ops)])
        from bson.objectid import ObjectId
        # What the server sends back: the tweet plus the ObjectId the driver added.
        ctx.bytes_per_op = len(ctx.api.encode(dict(tweet, _id=ObjectId())))

    def run(self, ctx: Context) -> None:
        count = 0
        for _ in ctx.coll.find():
            count += 1
        if count != ctx.ops:
            raise AssertionError(f"find_many read {count} documents, expected {ctx.ops}")


class GridFSUpload(Workload):
    """``ops`` is the file size in MB here, and one operation one MB of the file: an
    iteration is one file, its rate MB/s and its CPU per operation CPU per MB.

    ``md5``: our side stores the MD5 as PyMongo 3.x does by default (PyMongo 4 has none).
    """

    group, op = "gridfs", "file"

    def __init__(self, name: str, ops: int, quick_ops: int, md5: bool = False) -> None:
        super().__init__(name, ops, quick_ops)
        self.md5 = md5

    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        ctx.bucket = ctx.api.bucket(ctx.db, self.md5)
        ctx.blob = gridfs_payload(ctx.ops * MB)
        ctx.bytes_per_op = MB  # ops (MB) of MB each: the file, counted once

    def before(self, ctx: Context) -> None:
        ctx.db.drop_collection("fs.files")
        ctx.db.drop_collection("fs.chunks")
        # The spec's step: a one-byte file makes the driver create the GridFS indexes.
        ctx.bucket = ctx.api.bucket(ctx.db, self.md5)
        ctx.bucket.upload_from_stream("one-byte", b"\x00")

    def run(self, ctx: Context) -> None:
        ctx.bucket.upload_from_stream("gridfstest", ctx.blob)


class GridFSDownload(GridFSUpload):
    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        ctx.file_id = ctx.bucket.upload_from_stream("gridfstest", ctx.blob)

    def before(self, ctx: Context) -> None:
        """Nothing to reset: the same file is read each time."""

    def run(self, ctx: Context) -> None:
        data = ctx.bucket.open_download_stream(ctx.file_id).read()
        if len(data) != len(ctx.blob):
            raise AssertionError(f"downloaded {len(data)} bytes, expected {len(ctx.blob)}")


WORKLOADS: List[Workload] = [
    BsonEncode("flat_encode", 5000, 1000, "flat_bson"),
    BsonDecode("flat_decode", 5000, 1000, "flat_bson"),
    BsonEncode("deep_encode", 5000, 1000, "deep_bson"),
    BsonDecode("deep_decode", 5000, 1000, "deep_bson"),
    BsonEncode("full_encode", 5000, 1000, "full_bson"),
    BsonDecode("full_decode", 5000, 1000, "full_bson"),
    JsonDumps("json_dumps_flat", 2000, 500, "flat_bson"),
    JsonDumps("json_dumps_deep", 2000, 500, "deep_bson"),
    JsonDumps("json_dumps_full", 2000, 500, "full_bson"),
    JsonLoads("json_loads_flat", 2000, 500, "flat_bson"),
    JsonLoads("json_loads_deep", 2000, 500, "deep_bson"),
    JsonLoads("json_loads_full", 2000, 500, "full_bson"),
    RunCommand("run_command", 2000, 500),
    FindOneById("find_one_by_id", 1000, 200),
    InsertOne("small_doc_insert_one", 2000, 500, "small_doc"),
    InsertOne("large_doc_insert_one", 10, 3, "large_doc"),
    FindMany("find_many", 10000, 2000, rounds=3),
    BulkInsert("small_doc_bulk_insert", 10000, 2000, "small_doc"),
    BulkInsert("large_doc_bulk_insert", 10, 3, "large_doc"),
    GridFSUpload("gridfs_upload", 50, 10),
    GridFSUpload("gridfs_upload_md5", 50, 10, md5=True),
    GridFSDownload("gridfs_download", 50, 10),
]
BY_NAME: Dict[str, Workload] = {w.name: w for w in WORKLOADS}
