"""User administration and authentication methods of ``Database`` (a mixin).

Kept apart from the database's data methods; they work through the public ``client``
and ``name`` attributes and the database's ``_command_on_primary``.
"""
from __future__ import annotations

from typing import Any, Optional

from bson.son import SON


class UserAdministration:
    """``authenticate``, ``logout``, ``add_user`` and ``remove_user`` for ``Database``."""

    # ------------------------------------------------------------ users and authentication
    # (section owned by the auth work: mongofw/auth; relies on the client's
    # _cache_credentials(source, credentials, connect) and _purge_credentials(source))

    def authenticate(self, name: Optional[str] = None, password: Optional[str] = None,
                     source: Optional[str] = None, mechanism: str = "DEFAULT",
                     **kwargs: Any) -> bool:
        """Authenticate to use this database; every new connection of the client follows.

        Raises ``TypeError`` for a non-string name, password or source,
        ``ConfigurationError`` for options the mechanism forbids, and ``OperationFailure``
        when the server refuses.  Returns True.
        """
        from mongofw.auth.credentials import build_credentials
        from mongofw.errors import ConfigurationError

        for label, value in (("name", name), ("password", password), ("source", source)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{label} must be an instance of str, not "
                                f"{type(value).__name__}")
        if not isinstance(mechanism, str):
            raise TypeError(f"mechanism must be an instance of str, not "
                            f"{type(mechanism).__name__}")
        unknown = sorted(set(kwargs) - {"authMechanismProperties"})
        if unknown:
            raise ConfigurationError(f"authenticate() got unexpected options "
                                     f"{', '.join(unknown)}; allowed: authMechanismProperties")
        # The user's database is this one unless ``source`` says otherwise; $external
        # mechanisms (GSSAPI, X509) ignore it, as in PyMongo 3.4.
        options = {"username": name, "password": password, "authSource": source,
                   "authMechanism": mechanism.upper(),
                   "authMechanismProperties": self._auth_properties(
                       kwargs.get("authMechanismProperties"))}
        plugins = getattr(self.client, "_plugins", None)
        mechanisms = plugins.auth_mechanisms() if plugins is not None else {}
        credentials = build_credentials(options, self.name, mechanisms)
        # Keyed by this database, which is what logout() later names.
        self.client._cache_credentials(self.name, credentials, connect=True)
        return True

    def logout(self) -> None:
        """Deauthorize use of this database for this client instance."""
        self.client._purge_credentials(self.name)

    def _default_role(self, read_only: bool) -> str:
        if self.name == "admin":
            return "readAnyDatabase" if read_only else "root"
        return "read" if read_only else "dbOwner"

    def add_user(self, name: str, password: Optional[str] = None,
                 read_only: Optional[bool] = None, session: Any = None, **kwargs: Any) -> None:
        """Create user ``name`` (or update it if it exists) with ``password``.

        Without ``roles`` in ``kwargs`` the user gets ``dbOwner`` (``root`` on admin), or
        ``read`` (``readAnyDatabase``) when ``read_only``.  The password is sent for the
        server to digest, so SCRAM-SHA-256 credentials can be made (the command is
        redacted from monitoring events).  Deprecated in 3.6 (run ``createUser``).

        :param session: a :class:`~pymongo.client_session.ClientSession` (new in 3.6).
        """
        from mongofw.errors import ConfigurationError, OperationFailure

        if not isinstance(name, str):
            raise TypeError(f"name must be an instance of str, not {type(name).__name__}")
        if password is not None:
            if not isinstance(password, str):
                raise TypeError(f"password must be an instance of str, not "
                                f"{type(password).__name__}")
            if not password:
                raise ValueError("password can't be empty")
        if read_only is not None and not isinstance(read_only, bool):
            raise TypeError(f"read_only must be True, False or None, not {read_only!r}")
        if "roles" in kwargs and read_only is not None:
            raise ConfigurationError("add_user() takes read_only or roles, not both")
        if "userSource" in kwargs and password is not None:
            raise ConfigurationError("add_user() takes password or userSource, not both")
        try:
            users = self.command("usersInfo", name, session=session).get("users") or []
        except OperationFailure as exc:
            # Not authorized to list users: try creating, as the server decides anyway.
            if exc.code != 13:
                raise
            users = []
        exists = bool(users)
        command = SON([("updateUser" if exists else "createUser", name)])
        if password is not None:
            command["pwd"] = password
        if "roles" in kwargs:
            command["roles"] = kwargs.pop("roles")
        elif read_only is not None or not exists:
            command["roles"] = [self._default_role(bool(read_only))]
        command.update(kwargs)
        self._command_on_primary(command, write_concern=self.write_concern, session=session)

    def remove_user(self, name: str, session: Any = None) -> None:
        """Remove user ``name`` from this database (deprecated in 3.6: run
        ``dropUser``); ``session`` is a :class:`~pymongo.client_session.ClientSession`
        to run in, or None."""
        if not isinstance(name, str):
            raise TypeError(f"name must be an instance of str, not {type(name).__name__}")
        self._command_on_primary(SON([("dropUser", name)]), write_concern=self.write_concern,
                                 session=session)

    @staticmethod
    def _auth_properties(value: Any) -> Optional[dict]:
        """``authMechanismProperties`` given to ``authenticate()``: a mapping or ``"K:V,K:V"``
        (parsed as in a URI; a malformed item is named by position, never echoed)."""
        from mongofw.errors import ConfigurationError
        from mongofw.options.validators import validate_auth_mechanism_properties

        if value is None:
            return None
        try:
            return validate_auth_mechanism_properties("authMechanismProperties", value) or None
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
