"""The server fail points the proxy peer plays, as a MongoDB 4.0+ test server has them.

``configureFailPoint`` turns one on (``alwaysOn``, ``{times: n}``, ``{skip: n}``) or off.
A fail point counts only the evaluations its condition lets through: ``failCommand``
counts the commands it names (from the application it names, when ``appName`` is given),
``onPrimaryTransactionalWrite`` each statement of a retryable write, and
``failGetMoreAfterCursorCheckout`` each getMore.  What a triggered fail point does is up to
the proxy; here it is only decided whether it triggers and with which ``data``.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Mapping, Optional

# The fail points the specification files configure.
KNOWN = ("failCommand", "onPrimaryTransactionalWrite", "failGetMoreAfterCursorCheckout")


class FailPoint:
    """One fail point's mode and data; ``evaluate()`` says whether it triggers now."""

    def __init__(self, mode: Any, data: Mapping[str, Any]) -> None:
        self.data = dict(data)
        self.times: Optional[int] = None   # None: no limit
        self.skip = 0
        self.on = mode != "off"
        if isinstance(mode, Mapping):
            if "times" in mode:
                self.times = int(mode["times"])
                self.on = self.times > 0
            if "skip" in mode:
                self.skip = int(mode["skip"])
        elif mode not in ("alwaysOn", "off"):
            raise ValueError(f"unknown fail point mode {mode!r}")

    def evaluate(self) -> bool:
        if not self.on:
            return False
        if self.skip:
            self.skip -= 1
            return False
        if self.times is not None:
            self.times -= 1
            if self.times <= 0:
                self.on = False
        return True


class FailPoints:
    """The fail points of one proxy peer (thread-safe)."""

    def __init__(self) -> None:
        self._points: Dict[str, FailPoint] = {}
        self._lock = threading.Lock()

    def configure(self, command: Mapping[str, Any]) -> Dict[str, Any]:
        """Answer ``configureFailPoint`` as a server does."""
        name = command["configureFailPoint"]
        if name not in KNOWN:
            return {"ok": 0.0, "code": 2, "codeName": "BadValue",
                    "errmsg": f"Cannot find failpoint {name!r} (the proxy peer plays {KNOWN})"}
        point = FailPoint(command.get("mode", "off"), command.get("data") or {})
        with self._lock:
            if point.on:
                self._points[name] = point
            else:
                self._points.pop(name, None)
        return {"ok": 1.0, "count": 0}

    def clear(self) -> None:
        with self._lock:
            self._points.clear()

    def _check(self, name: str, applies: Any = None) -> Optional[Dict[str, Any]]:
        with self._lock:
            point = self._points.get(name)
            if point is None or (applies is not None and not applies(point.data)):
                return None
            return dict(point.data) if point.evaluate() else None

    def fail_command(self, command_name: str, app_name: Optional[str]
                     ) -> Optional[Dict[str, Any]]:
        """The ``failCommand`` data when it triggers for this command, else None."""
        def applies(data: Mapping[str, Any]) -> bool:
            if command_name not in data.get("failCommands", ()):
                return False
            return "appName" not in data or data["appName"] == app_name
        return self._check("failCommand", applies)

    def transactional_write(self) -> Optional[Dict[str, Any]]:
        """The ``onPrimaryTransactionalWrite`` data when it triggers for this statement."""
        return self._check("onPrimaryTransactionalWrite")

    def get_more_checked_out(self) -> Optional[Dict[str, Any]]:
        """The ``failGetMoreAfterCursorCheckout`` data when it triggers for this getMore."""
        return self._check("failGetMoreAfterCursorCheckout")
