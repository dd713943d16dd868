"""Every name PyMongo 3.13 documents exists in ours and takes its documented arguments,
or is in ``NOT_PROVIDED`` with the reason.

The pages in ``../shared/api-3.13`` (the 3.x line's final API, generated from 3.13's
docstrings) are read by :mod:`tests.reference.api_pages`, which also says what is
compared.  Two tables say where ours differs, each entry with the reason a user would
accept:

- ``NOT_PROVIDED``: documented names (and parameters) ours does not have: features that
  are not there, 3.13's internals, and names a 3.13 module only imported for its own use.
  A key is a dotted name (the name and everything documented under it) or
  ``dotted.name(parameter)``.  Each is checked to be really absent, so the table cannot
  go stale.
- ``EXPECTED``: differences in what ours does provide ("<label>: <problem>", as
  :func:`~tests.reference.api_pages.problems` words them): mostly where 3.4's documented
  signature, which ``test_documented_signatures`` holds ours to, is kept.

MongoClient's keyword options, documented in its parameter list rather than its
signature, are checked against the options ours validates.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional

import pytest

from mongofw.options.validators import VALIDATORS
from tests.reference.api_pages import (
    Entry,
    missing_parameter,
    problems,
    read_313,
    resolve,
)
from tests.support.shared import API_313

# ---------------------------------------------------------------- not provided

_ENCRYPTION = ("client-side field level encryption (3.9) needs libmongocrypt and the "
               "mongocryptd process; mongofw does not provide it, and "
               "MongoClient(auto_encryption_opts=...) is refused with ConfigurationError")
_SRV_TIMEOUT = ("parse_uri's connect_timeout (3.9) bounds the DNS lookups of a mongodb+srv:// "
                "URI; mongofw refuses those URIs with InvalidURI (as PyMongo 3.6-3.8 did "
                "without its optional dnspython), so there is no lookup to bound")
_SRV_POLLING = ("SRV polling (3.11) re-reads a mongodb+srv:// URI's DNS records while the "
                "client runs; mongofw refuses those URIs with InvalidURI")
_LOAD_BALANCED = ("load-balanced mode (3.12, MongoDB 5.0 behind a load balancer) is not "
                  "provided: loadBalanced=true is refused with ConfigurationError")
_PY2 = ("a Python 2 compatibility helper (from bson.py3compat) that 3.13's module "
        "imported; mongofw runs on Python 3 only: use str, bytes and dict.items()")
_NORMALIZE = ("3.13's normalize renamed URI options to its internal names (tls -> ssl, "
              "j -> journal); ours returns each option under its URI name, as 3.4's "
              "parse_uri did, so there is no renaming to turn on or off")
_POOL_INTERNALS = ("PyMongo 3.13's own connection-pool plumbing (handshake and "
                   "generation bookkeeping, pinning for load balancers and transactions, "
                   "session checks): mongofw's pool and connection (mongofw.core.pool, "
                   "mongofw.core.wire.connection) do this work inside their own command "
                   "path, and applications never call it")
_COMMON = ("a constant or helper of 3.13's undocumented pymongo.common that the module "
           "imported for its own use, not an API of the module")
_GRIDOUT_ITERATOR = ("the class of the iterator GridOut.__iter__ returns, built by GridOut "
                     "itself; ours iterates the same chunks (mongofw.gridfs.download) and "
                     "applications never build one")

# A name 3.13's module imported for its own use -> its home, where ours has it (checked).
IMPORTED: Dict[str, str] = {
    "bson.binary.warn": "warnings.warn",
    "gridfs.ASCENDING": "pymongo.ASCENDING",
    "gridfs.DESCENDING": "pymongo.DESCENDING",
    "gridfs.grid_file.ASCENDING": "pymongo.ASCENDING",
    "gridfs.Database": "pymongo.database.Database",
    "gridfs.OperationFailure": "pymongo.errors.OperationFailure",
    "pymongo.client_session.SERVER_TYPE": "pymongo.server_description.SERVER_TYPE",
    "pymongo.hello.SERVER_TYPE": "pymongo.server_description.SERVER_TYPE",
    "pymongo.mongo_client.SERVER_TYPE": "pymongo.server_description.SERVER_TYPE",
    "pymongo.pool.SERVER_TYPE": "pymongo.server_description.SERVER_TYPE",
    "pymongo.mongo_client.TOPOLOGY_TYPE": "pymongo.topology_description.TOPOLOGY_TYPE",
    "pymongo.database.DEFAULT_CODEC_OPTIONS": "bson.codec_options.DEFAULT_CODEC_OPTIONS",
    "pymongo.message.DEFAULT_CODEC_OPTIONS": "bson.codec_options.DEFAULT_CODEC_OPTIONS",
    "pymongo.mongo_client.DEFAULT_CODEC_OPTIONS": "bson.codec_options.DEFAULT_CODEC_OPTIONS",
    "pymongo.pool.DEFAULT_CODEC_OPTIONS": "bson.codec_options.DEFAULT_CODEC_OPTIONS",
    "pymongo.message.DEFAULT_RAW_BSON_OPTIONS": "bson.raw_bson.DEFAULT_RAW_BSON_OPTIONS",
    "pymongo.database.DEFAULT_WRITE_CONCERN": "pymongo.write_concern.DEFAULT_WRITE_CONCERN",
    "pymongo.mongo_client.DEFAULT_WRITE_CONCERN":
        "pymongo.write_concern.DEFAULT_WRITE_CONCERN",
    "pymongo.message.DEFAULT_READ_CONCERN": "pymongo.read_concern.DEFAULT_READ_CONCERN",
    "pymongo.pool.fcntl": "fcntl.fcntl",
    "pymongo.pool.F_GETFD": "fcntl.F_GETFD",
    "pymongo.pool.F_SETFD": "fcntl.F_SETFD",
    "pymongo.pool.FD_CLOEXEC": "fcntl.FD_CLOEXEC",
}

NOT_PROVIDED: Dict[str, str] = {
    "pymongo.errors.EncryptionError": _ENCRYPTION,
    "pymongo.mongo_client.MongoClient(auto_encryption_opts)": _ENCRYPTION,
    "pymongo.topology_description.SRV_POLLING_TOPOLOGIES": _SRV_POLLING,
    "pymongo.uri_parser.parse_uri(connect_timeout)": _SRV_TIMEOUT,
    "pymongo.pool.PoolOptions.load_balanced": _LOAD_BALANCED,
    "pymongo.pool.Pool.reset(service_id)": _LOAD_BALANCED,
    "pymongo.uri_parser.split_options(normalize)": _NORMALIZE,
    "pymongo.uri_parser.parse_uri(normalize)": _NORMALIZE,
    **{name: _PY2 for name in (
        "bson.PY3", "bson.b", "bson.iteritems", "bson.reraise", "bson.string_type",
        "bson.text_type", "bson.binary.PY3", "bson.code.PY3", "bson.int64.PY3",
        "bson.json_util.PY3", "bson.objectid.PY3", "pymongo.uri_parser.PY3")},
    **{name: _COMMON for name in (
        "gridfs.UNAUTHORIZED_CODES", "gridfs.validate_string",
        "pymongo.collection.ORDERED_TYPES", "pymongo.pool.ORDERED_TYPES",
        "pymongo.pool.MAX_BSON_SIZE", "pymongo.pool.MAX_MESSAGE_SIZE",
        "pymongo.pool.MAX_POOL_SIZE", "pymongo.pool.MAX_WIRE_VERSION",
        "pymongo.pool.MAX_WRITE_BATCH_SIZE", "pymongo.pool.MIN_POOL_SIZE")},
    **{name: _POOL_INTERNALS for name in (
        "pymongo.pool.PoolState", "pymongo.pool.Pool(handshake)",
        "pymongo.pool.Pool.connect(all_credentials)", "pymongo.pool.Pool.get_socket(handler)",
        "pymongo.pool.Pool.remove_stale_sockets(reference_generation)",
        "pymongo.pool.Pool.remove_stale_sockets(all_credentials)",
        "pymongo.pool.Pool.stale_generation", "pymongo.pool.Pool.update_is_writable",
        *(f"pymongo.pool.SocketInfo.{method}" for method in (
            "add_server_api", "close_socket", "hello", "hello_cmd", "pin_cursor", "pin_txn",
            "send_cluster_time", "socket_closed", "unpin", "update_is_writable",
            "update_last_checkin_time", "validate_session")))},
    "gridfs.grid_file.GridOutIterator": _GRIDOUT_ITERATOR,
    **{name: f"imported by 3.13's module from {home} for its own use, not an API of the "
             f"module; ours has it at {home}" for name, home in IMPORTED.items()},
}

# What pymongo.version claims must be true of the API present: each feature above came in a
# later release than the one reported; the other entries are not API a library could use.
FEATURE_RELEASES = {_ENCRYPTION: (3, 9), _NORMALIZE: (3, 9),
                    _SRV_TIMEOUT: (3, 9), _SRV_POLLING: (3, 11), _LOAD_BALANCED: (3, 12)}
NOT_API = {_PY2, _COMMON, _POOL_INTERNALS, _GRIDOUT_ITERATOR,
           *(reason for reason in NOT_PROVIDED.values() if reason.startswith("imported by"))}

# ---------------------------------------------------------------- expected differences

_KEPT_34 = ("3.4's documented signature, which the 3.4 check holds ours to, is kept; "
            "3.13's spelling of the same call works too")
_34_DEFAULT = ("3.4's documented default, which the 3.4 check holds ours to, is kept; "
               "ours also accepts None, 3.13's default, with the same meaning")
_ORDER_34 = ("3.4's positional order is kept (code written for 3.4 passes these "
             "positionally): 3.6 put array_filters fourth, ours has array_filters and hint "
             "after collation, where UpdateMany and UpdateOne have them too")
_EVENT_ARGS = ("the page abbreviates the remaining constructor arguments as *args; ours "
               "names them (server_address, topology_id) in the same positions, as 3.4's "
               "page did")
_SON_DICT = ("SON is a dict subclass whose key order is the dict's own, so it inherits "
             "dict's C methods clear() and pop(key[, default]), which have no "
             "introspectable signature; the calls 3.13 documents work")
_SOCKET_INFO = ("3.4's documented SocketInfo is kept (what auth mechanisms and "
                "SocketInfo-level code call); 3.13 changed its connection class's "
                "constructor and command() for its own plumbing (client, publish_events, "
                "exhaust_allowed, ...), which applications never pass")
_POOL_OPTIONS = ("the settings of mongofw's pool (mongofw.core.pool), built by the client "
                 "from its validated options; applications read them from "
                 "client.options.pool_options and never construct one, so its fields "
                 "follow the pool, not 3.13's constructor")
_CURSOR_FORWARDS = ("ours names the parameters that 3.13 forwards through *args/**kwargs "
                    "to Cursor (3.4 documented them so), so the same calls work")
_GRIDOUT_CURSOR_OPTIONS = ("ours is Cursor.add_option(mask)/remove_option(mask), which work "
                           "on the files query; 3.13 refused every call with "
                           "NotImplementedError")
_VERSION = ("the newest PyMongo release whose whole API is present (README, 'Which PyMongo "
            "version it reports'), not 3.13")
_WIRE = ("ours talks to newer servers than 3.13 did (up to MongoDB 8), so its maximum "
         "wire version is higher")
_MAX_WAITERS = ("an Exception, not a PyMongoError, as in 3.4 (pinned in tests/compat34); "
                "3.13's constructor came with its PyMongoError base")

EXPECTED: Dict[str, str] = {
    f"pymongo.version: documented value '3.13.0', ours {resolve('pymongo.version')!r}":
        _VERSION,
    "pymongo.version_tuple: documented value (3, 13, 0), ours "
    f"{resolve('pymongo.version_tuple')!r}": _VERSION,
    "pymongo.collection.Collection.update_many: positional #3 is "
    "'bypass_document_validation', documented 'array_filters'": _ORDER_34,
    "pymongo.collection.Collection.update_many: positional #4 is 'collation', documented "
    "'bypass_document_validation'": _ORDER_34,
    "pymongo.collection.Collection.update_many: positional #5 is 'array_filters', "
    "documented 'collation'": _ORDER_34,
    "pymongo.collection.Collection.find: documented *args, ours has none": _CURSOR_FORWARDS,
    "pymongo.collection.Collection.find: documented **kwargs, ours has none":
        _CURSOR_FORWARDS,
    "pymongo.cursor.RawBatchCursor: ours requires undocumented 'collection'":
        _CURSOR_FORWARDS,
    "pymongo.database.Database.command: read_preference default None, ours Primary()":
        _34_DEFAULT,
    "pymongo.errors.ExceededMaxWaiters: no signature (no signature found for builtin type "
    "<class 'mongofw.errors.ExceededMaxWaiters'>)": _MAX_WAITERS,
}
EXPECTED["pymongo.MAX_SUPPORTED_WIRE_VERSION: documented value 13, ours "
         f"{resolve('pymongo.MAX_SUPPORTED_WIRE_VERSION')}"] = _WIRE
for _module in ("bson", "bson.codec_options"):
    EXPECTED[f"{_module}.CodecOptions: uuid_representation default None, ours 3"] = \
        _34_DEFAULT
EXPECTED["bson.raw_bson.RawBSONDocument: codec_options default None, ours "
         f"{resolve('bson.raw_bson.RawBSONDocument.__init__').__defaults__[0]!r}"] = _34_DEFAULT
for _module in ("bson", "bson.son"):
    EXPECTED[f"{_module}.SON: documented *args, ours has none"] = _KEPT_34
    EXPECTED[f"{_module}.SON.clear: no signature (no signature found for builtin <method "
             f"'clear' of 'dict' objects>)"] = _SON_DICT
    EXPECTED[f"{_module}.SON.pop: no signature (<method 'pop' of 'dict' objects> builtin has "
             f"invalid signature)"] = _SON_DICT
for _module in ("pymongo", "pymongo.mongo_replica_set_client"):
    EXPECTED[f"{_module}.MongoReplicaSetClient: documented *args, ours has none"] = _KEPT_34
for _module in ("gridfs", "gridfs.grid_file"):
    for _method in ("add_option", "remove_option"):
        for _problem in ("documented *args, ours has none",
                         "documented **kwargs, ours has none",
                         "ours requires undocumented 'mask'"):
            EXPECTED[f"{_module}.GridOutCursor.{_method}: {_problem}"] = \
                _GRIDOUT_CURSOR_OPTIONS
for _event in ("ServerDescriptionChangedEvent", "TopologyDescriptionChangedEvent"):
    EXPECTED[f"pymongo.monitoring.{_event}: documented *args, ours has none"] = _EVENT_ARGS
    for _name in ("server_address", "topology_id")[_event.startswith("Topology"):]:
        EXPECTED[f"pymongo.monitoring.{_event}: ours requires undocumented {_name!r}"] = \
            _EVENT_ARGS
for _problem in (
        "positional #2 is 'ismaster', documented 'address'",
        "documented parameter 'id' is missing", "ours requires undocumented 'ismaster'"):
    EXPECTED[f"pymongo.pool.SocketInfo: {_problem}"] = _SOCKET_INFO
for _method, _problems in (
        ("command", ("documented parameter 'secondary_ok' is missing",
                     "read_concern default None, ours ReadConcern()",
                     "positional #12 is 'sequences', documented 'session'",
                     "documented parameter 'client' is missing",
                     "positional #14 is 'operation_id', documented 'retryable_write'",
                     "documented parameter 'publish_events' is missing",
                     "documented parameter 'user_fields' is missing",
                     "documented parameter 'exhaust_allowed' is missing")),
        ("legacy_write", ("documented parameter 'codec_options' is missing",)),
        ("write_command", ("documented parameter 'codec_options' is missing",)),
        ("receive_message", ("positional #0 is 'operation', documented 'request_id'",
                             "ours requires undocumented 'operation'"))):
    for _problem in _problems:
        EXPECTED[f"pymongo.pool.SocketInfo.{_method}: {_problem}"] = _SOCKET_INFO
for _problem in (
        "connect_timeout default None, ours 20.0",
        "positional #7 is 'socket_keepalive', documented 'ssl_context'",
        "positional #8 is 'ssl_context', documented 'ssl_match_hostname'",
        "positional #9 is 'ssl_match_hostname', documented 'socket_keepalive'",
        "documented parameter 'event_listeners' is missing",
        "documented parameter 'compression_settings' is missing",
        "positional #14 is 'zlib_compression_level', documented 'server_api'",
        "documented parameter 'load_balanced' is missing"):
    EXPECTED[f"pymongo.pool.PoolOptions: {_problem}"] = _POOL_OPTIONS


# ---------------------------------------------------------------- the checks


def _not_provided(label: str) -> Optional[str]:
    """The NOT_PROVIDED key covering the documented name ``label``, if any."""
    for key in NOT_PROVIDED:
        if "(" not in key and (label == key or label.startswith(key + ".")):
            return key
    return None


def _explained(problem: str, entry: Entry) -> bool:
    if problem in EXPECTED:
        return True
    return any(problem == missing_parameter(entry.label, name)
               for name in _parameters_not_provided(entry.label))


def _parameters_not_provided(label: str) -> List[str]:
    return [key[len(label) + 1:-1] for key in NOT_PROVIDED if key.startswith(label + "(")]


def _entries() -> List[Entry]:
    return read_313(API_313)


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.label) for e in _entries()])
def test_documented_name_matches(entry: Entry) -> None:
    key = _not_provided(entry.label)
    if key is not None:
        # Not provided: then it must really be absent (else the table entry must go).
        try:
            resolve(key)
        except (ImportError, AttributeError):
            return
        pytest.fail(f"{key} is in NOT_PROVIDED, but ours has it")
    assert [p for p in problems(entry) if not _explained(p, entry)] == []


def test_every_table_entry_names_something_documented() -> None:
    labels = {entry.label for entry in _entries()}
    unknown = [key for key in NOT_PROVIDED if key.partition("(")[0] not in labels]
    assert unknown == []


def test_every_parameter_not_provided_is_absent() -> None:
    seen = {problem for entry in _entries() for problem in problems(entry)}
    present = [key for key in NOT_PROVIDED if "(" in key and missing_parameter(
        key.partition("(")[0], key.partition("(")[2][:-1]) not in seen
               and not key.startswith("pymongo.mongo_client.MongoClient(")]
    assert present == []


def test_every_expected_difference_still_exists() -> None:
    """An entry of EXPECTED that no longer happens must go (ours now matches the page)."""
    seen = {problem for entry in _entries() for problem in problems(entry)}
    assert sorted(set(EXPECTED) - seen) == []


def test_imported_names_are_ours_at_their_home() -> None:
    homes = {}
    for name, home in IMPORTED.items():
        try:
            resolve(home)
        except (ImportError, AttributeError) as exc:
            homes[name] = f"{home}: {exc!r}"
    assert homes == {}


# ---------------------------------------------------------------- MongoClient's options


def _client_options() -> List[str]:
    """The keyword options MongoClient's parameter list documents (its ``**kwargs``)."""
    page = (API_313 / "pymongo.mongo_client.md").read_text(encoding="utf-8")
    block = page.split("#### MongoClient.__init__", 1)[1].split("\n#### ", 1)[0]
    parameters = block.split(":Parameters:", 1)[1].split("\n.. ", 1)[0]
    return re.findall(r"^  - `(\w+)`", parameters, flags=re.M)


def test_client_options_are_known_to_ours() -> None:
    import inspect

    from pymongo import MongoClient

    named = set(inspect.signature(MongoClient).parameters)
    unknown = [name for name in _client_options()
               if name not in named and name.lower() not in VALIDATORS
               and f"pymongo.mongo_client.MongoClient({name})" not in NOT_PROVIDED]
    assert unknown == []


@pytest.mark.parametrize("key", [k for k in NOT_PROVIDED
                                 if k.startswith("pymongo.mongo_client.MongoClient(")])
def test_client_options_not_provided_are_refused(key: str) -> None:
    from pymongo import MongoClient
    from pymongo.errors import ConfigurationError

    name = key.partition("(")[2][:-1]
    assert name in _client_options()
    with pytest.raises(ConfigurationError, match="not supported"):
        MongoClient(connect=False, **{name: object()})


@pytest.mark.parametrize("key", [k for k in NOT_PROVIDED if NOT_PROVIDED[k] not in NOT_API])
def test_reported_version_predates_every_missing_feature(key: str) -> None:
    """pymongo.version_tuple names a release whose whole API is here: libraries choose code
    paths by it, so every missing feature must be newer than the release it names."""
    import pymongo

    release = FEATURE_RELEASES.get(NOT_PROVIDED[key])
    assert release is not None, f"{key}: say which release added it (FEATURE_RELEASES)"
    assert release > pymongo.version_tuple[:2], (
        f"{key} came in {release}, but pymongo.version claims {pymongo.version}")
