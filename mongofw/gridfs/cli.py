"""``mongofw-files``: list, put, get, delete and search files in GridFS, in the spirit of mongofiles.

Transfers of 1 MiB or more show a tqdm progress bar on a terminal (``--progress`` forces
it, ``--no-progress`` hides it).  Exit codes: 0 done, 1 no such (or a corrupt) file, 2 bad usage,
3 server unreachable or refusing, 4 local file error.  Errors go to stderr, one line each.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any, Iterator, List, Optional

EXIT_OK, EXIT_NO_FILE, EXIT_USAGE, EXIT_SERVER, EXIT_LOCAL = 0, 1, 2, 3, 4
#: Smaller transfers finish before a bar would be worth drawing.
PROGRESS_THRESHOLD = 1024 * 1024
PROG = "mongofw-files"


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Manage files stored in GridFS.")
    parser.add_argument("--uri", default=os.environ.get("MONGOFW_URI", "mongodb://localhost/"),
                        help="MongoDB URI (default: $MONGOFW_URI or mongodb://localhost/)")
    parser.add_argument("--db", help="database (default: the URI's, else 'test')")
    parser.add_argument("--bucket", default="fs", help="GridFS bucket name (default: fs)")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds to wait for the server (default: 10)")
    _progress_flags(parser, None)
    # The flags are accepted after the command too ("put big.iso --progress").
    common = argparse.ArgumentParser(add_help=False)
    _progress_flags(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", parents=[common], help="list every stored file (name, size, upload date, _id)")
    search = sub.add_parser("search", parents=[common], help="list files whose name contains TEXT")
    search.add_argument("text")
    put = sub.add_parser("put", parents=[common], help="store a local file")
    put.add_argument("local", help="local file to upload")
    put.add_argument("--name", help="name in GridFS (default: the local file's base name)")
    put.add_argument("--chunk-size", type=int, default=None, help="chunk size in bytes")
    put.add_argument("--replace", action="store_true",
                     help="delete older files of the same name after the upload")
    get = sub.add_parser("get", parents=[common], help="fetch a stored file")
    get.add_argument("name")
    get.add_argument("-o", "--output", help="local path, '-' for stdout (default: NAME's "
                     "base name)")
    get.add_argument("--revision", type=int, default=-1,
                     help="0 the first upload, -1 the newest (default)")
    delete = sub.add_parser("delete", parents=[common], help="delete every file of that name")
    delete.add_argument("name")
    return parser


def _progress_flags(parser: argparse.ArgumentParser, default: Any) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--progress", dest="progress", action="store_true", default=default,
                       help="always show a progress bar")
    group.add_argument("--no-progress", dest="progress", action="store_false",
                       default=default, help="never show a progress bar")


class _NoBar:
    """Stands in for tqdm when it is not installed (the bar is optional)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def _bar(args: argparse.Namespace, total: int, label: str) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:
        if args.progress:
            raise CliError("--progress needs tqdm: pip install 'mongofw[files]'",
                           EXIT_USAGE) from None
        return _NoBar()
    if args.progress is None:
        # tqdm's disable=None hides the bar when stderr is not a terminal.
        disable: Optional[bool] = None if total >= PROGRESS_THRESHOLD else True
    else:
        disable = not args.progress
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
                disable=disable, file=sys.stderr, leave=True)


class _CountingReader:
    """A file wrapper that advances a progress bar as GridFS reads from it."""

    def __init__(self, raw: Any, bar: Any) -> None:
        self.raw, self.bar = raw, bar

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.bar.update(len(data))
        return data


def _open_bucket(args: argparse.Namespace) -> Any:
    from mongofw.client.mongo_client import MongoClient
    from mongofw.gridfs.bucket import Bucket
    from mongofw.options.uri_parser import parse_uri

    try:
        database = args.db or parse_uri(args.uri)["database"] or "test"
    except Exception as exc:  # noqa: BLE001 - any parse failure is a usage error
        raise CliError(f"invalid --uri {args.uri!r}: {exc}", EXIT_USAGE) from None
    client = MongoClient(args.uri, serverSelectionTimeoutMS=int(args.timeout * 1000))
    return Bucket(client[database][args.bucket])


def _describe(document: Any) -> str:
    date = document.get("uploadDate")
    when = date.strftime("%Y-%m-%d %H:%M:%S") if date is not None else "-"
    return f"{document.get('filename')}\t{document.get('length', 0)}\t{when}\t{document['_id']}"


def _listing(bucket: Any, query: Any) -> Iterator[str]:
    for document in bucket.files.find(query, sort=[("filename", 1), ("uploadDate", 1)]):
        yield _describe(document)


def _put(bucket: Any, args: argparse.Namespace) -> str:
    name = args.name or os.path.basename(args.local)
    try:
        source = open(args.local, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CliError(f"cannot read {args.local!r}: {exc.strerror}", EXIT_LOCAL) from None
    with source:
        size = os.fstat(source.fileno()).st_size
        fields = {"filename": name}
        if args.chunk_size is not None:
            fields["chunkSize"] = args.chunk_size
        writer = bucket.upload(fields)
        with _bar(args, size, f"put {name}") as bar:
            try:
                writer.write(_CountingReader(source, bar))
                writer.close()
            except BaseException:
                writer.abort()
                raise
    file_id = writer.document["_id"]
    if args.replace:
        older = bucket.files.find({"filename": name, "_id": {"$ne": file_id}},
                                  projection={"_id": True})
        for document in list(older):
            bucket.delete(document["_id"], missing_ok=True)
    return f"stored {name!r} ({size} bytes) as _id {file_id}"


def _get(bucket: Any, args: argparse.Namespace) -> Optional[str]:
    document = bucket.revision({"filename": args.name}, args.revision)
    reader = bucket.download(file_document=document)
    target = args.output or os.path.basename(args.name) or "download"
    with _bar(args, reader.length, f"get {args.name}") as bar:
        if target == "-":
            for chunk in reader:
                sys.stdout.buffer.write(chunk)
                bar.update(len(chunk))
            sys.stdout.buffer.flush()
            return None
        # Write beside the target and rename at the end: a failed download never
        # leaves a truncated file under the target's name.
        partial = f"{target}.part"
        try:
            with open(partial, "wb") as out:
                for chunk in reader:
                    out.write(chunk)
                    bar.update(len(chunk))
            os.replace(partial, target)
        except OSError as exc:
            raise CliError(f"cannot write {target!r}: {exc.strerror}", EXIT_LOCAL) from None
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    return f"wrote {reader.length} bytes of {args.name!r} to {target!r}"


def _delete(bucket: Any, args: argparse.Namespace) -> str:
    ids = [d["_id"] for d in bucket.files.find({"filename": args.name},
                                               projection={"_id": True})]
    if not ids:
        raise CliError(f"no file named {args.name!r} in bucket {bucket.root.full_name!r}",
                       EXIT_NO_FILE)
    for file_id in ids:
        bucket.delete(file_id, missing_ok=True)
    return f"deleted {len(ids)} file(s) named {args.name!r}"


def run(args: argparse.Namespace) -> List[str]:
    """Carry out one command; the lines to print on stdout."""
    bucket = _open_bucket(args)
    try:
        if args.command == "list":
            return list(_listing(bucket, {}))
        if args.command == "search":
            return list(_listing(bucket, {"filename": {"$regex": re.escape(args.text)}}))
        handler = {"put": _put, "get": _get, "delete": _delete}[args.command]
        line = handler(bucket, args)
        return [line] if line else []
    finally:
        bucket.root.database.client.close()


def main(argv: Optional[List[str]] = None) -> int:
    from mongofw.errors import ConfigurationError, ConnectionFailure, PyMongoError
    from mongofw.gridfs.errors import GridFSError, NoFile

    args = _parser().parse_args(argv)
    try:
        lines = run(args)
    except CliError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.code
    except NoFile as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_NO_FILE
    except ConnectionFailure as exc:
        print(f"{PROG}: error: cannot reach the server at {args.uri!r}: {exc}",
              file=sys.stderr)
        return EXIT_SERVER
    except ConfigurationError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except GridFSError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_NO_FILE
    except PyMongoError as exc:
        print(f"{PROG}: error: the server refused: {exc}", file=sys.stderr)
        return EXIT_SERVER
    except (TypeError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    for line in lines:
        print(line)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
