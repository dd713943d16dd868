"""The test-runner operations of the legacy transactions and sessions formats
(``object: testRunner``): assertions about a session or about the test server's data,
and ``targetedFailPoint`` (a fail point on the mongos a session is pinned to)."""
from __future__ import annotations

from typing import Any, Mapping

from mongofw.client.transactions import TransactionState

# The transactions specification's state names -> the session's states.
_STATES = {"none": (TransactionState.NONE,), "starting": (TransactionState.STARTING,),
           "in_progress": (TransactionState.IN_PROGRESS,),
           "committed": (TransactionState.COMMITTED, TransactionState.COMMITTED_EMPTY),
           "aborted": (TransactionState.ABORTED,)}


def _server_session(session: Any) -> Any:
    # The driver takes a server session at a session's first command: none yet, not dirty.
    return getattr(session, "_server_session", None)


def _targeted_fail_point(case: Any, args: Mapping[str, Any]) -> None:
    """Turn the fail point on in the proxy mongos the session is pinned to (the runner
    turns every mongos' fail points off after the case)."""
    from bson.son import SON

    pinned = case.sessions[args["session"]]._transaction.pinned
    assert pinned is not None, "targetedFailPoint: the session is not pinned"
    assert case.proxy is not None, \
        "targetedFailPoint is played on the proxy peer's mongoses only"
    router = next(r for r in case.proxy.routers if ("127.0.0.1", r.port) == tuple(pinned))
    command = args["failPoint"]
    ordered = SON([("configureFailPoint", command["configureFailPoint"])])
    ordered.update((k, v) for k, v in command.items() if k != "configureFailPoint")
    reply = router.fail_points.configure(ordered)
    assert reply["ok"] == 1, f"the proxy mongos refused {dict(command)}: {reply}"


def run_special(case: Any, name: str, args: Mapping[str, Any]) -> Any:
    """One ``testRunner`` operation of ``case`` (a :class:`legacy_runner.Case`)."""
    if name == "assertSessionTransactionState":
        state = case.sessions[args["session"]]._transaction.state
        assert state in _STATES[args["state"]], \
            f"{args['session']} is {TransactionState.NAMES[state]}, not {args['state']}"
        return None
    if name in ("assertSessionPinned", "assertSessionUnpinned"):
        pinned = case.sessions[args["session"]]._transaction.pinned
        assert (pinned is not None) == (name == "assertSessionPinned"), \
            f"{name}: the session is pinned to {pinned}"
        return None
    if name == "targetedFailPoint":
        return _targeted_fail_point(case, args)
    if name in ("assertSessionDirty", "assertSessionNotDirty"):
        server_session = _server_session(case.sessions[args["session"]])
        dirty = bool(server_session is not None and server_session.dirty)
        assert dirty == (name == "assertSessionDirty"), f"{name}: dirty is {dirty}"
        return None
    if name in ("assertSameLsidOnLastTwoCommands", "assertDifferentLsidOnLastTwoCommands"):
        last, before = case.started()[-1], case.started()[-2]
        same = last.command["lsid"] == before.command["lsid"]
        assert same == (name == "assertSameLsidOnLastTwoCommands"), \
            f"{name}: {before.command['lsid']} then {last.command['lsid']}"
        return None
    if name in ("assertCollectionExists", "assertCollectionNotExists"):
        names = case.setup[args["database"]].list_collection_names()
        exists = args["collection"] in names
        assert exists == (name == "assertCollectionExists"), f"{name}: {names}"
        return None
    if name in ("assertIndexExists", "assertIndexNotExists"):
        collection = case.setup[args["database"]][args["collection"]]
        names = [index["name"] for index in collection.list_indexes()]
        exists = args["index"] in names
        assert exists == (name == "assertIndexExists"), f"{name}: {names}"
        return None
    raise AssertionError(f"the runner does not know test-runner operation {name!r}")
