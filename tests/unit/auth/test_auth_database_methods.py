"""``Database.authenticate`` / ``logout`` / ``add_user`` / ``remove_user`` with a stand-in client.

The stand-in records what the database asks of its client (``_cache_credentials``,
``_purge_credentials``, ``_run_command``) so the commands and credentials can be checked
without a server.
"""
from __future__ import annotations

import pytest

from bson.codec_options import DEFAULT_CODEC_OPTIONS
from mongofw.auth import default_plugin
from mongofw.client.base_object import BaseObject
from mongofw.client.database import Database
from mongofw.errors import ConfigurationError, OperationFailure
from mongofw.options.read_concern import ReadConcern
from mongofw.options.read_preferences import ReadPreference
from mongofw.options.write_concern import WriteConcern
from mongofw.plugin_manager import Plugins, create_plugin_manager


class Client(BaseObject):
    def __init__(self, existing_users=(), users_info_error=None):
        super().__init__(DEFAULT_CODEC_OPTIONS, ReadPreference.PRIMARY, WriteConcern(),
                         ReadConcern())
        self._plugins = Plugins(create_plugin_manager(
            entry_points=[], plugins=[("default_auth", default_plugin)]))
        self.cached = []
        self.purged = []
        self.commands = []
        self.existing_users = set(existing_users)
        self.users_info_error = users_info_error

    def _plugin_son_manipulators(self, database):
        return []

    def _cache_credentials(self, source, credentials, connect=True):
        self.cached.append((source, credentials, connect))

    def _purge_credentials(self, source):
        self.purged.append(source)

    def _run_command(self, db_name, command, read_preference, codec_options, **kwargs):
        self.commands.append((db_name, dict(command)))
        name = next(iter(command))
        if name == "usersInfo":
            if self.users_info_error:
                raise self.users_info_error
            found = command["usersInfo"] in self.existing_users
            return {"ok": 1.0, "users": [{"user": command["usersInfo"]}] if found else []}
        return {"ok": 1.0}


def test_authenticate_caches_credentials_for_the_database():
    client = Client()
    assert Database(client, "app").authenticate("user", "pencil") is True
    ((source, credentials, connect),) = client.cached
    assert (source, connect) == ("app", True)
    assert (credentials.mechanism, credentials.source, credentials.username,
            credentials.password) == ("DEFAULT", "app", "user", "pencil")


def test_authenticate_with_source_and_mechanism():
    client = Client()
    Database(client, "app").authenticate("user", "pencil", source="admin",
                                         mechanism="scram-sha-256")
    credentials = client.cached[0][1]
    assert (credentials.source, credentials.mechanism) == ("admin", "SCRAM-SHA-256")


def test_authenticate_gssapi_properties_string():
    client = Client()
    Database(client, "app").authenticate(
        "user@EXAMPLE.COM", mechanism="GSSAPI",
        authMechanismProperties="SERVICE_NAME:other,CANONICALIZE_HOST_NAME:true")
    credentials = client.cached[0][1]
    assert credentials.source == "$external"
    assert dict(credentials.mechanism_properties) == {"SERVICE_NAME": "other",
                                                      "CANONICALIZE_HOST_NAME": True}


def test_authenticate_x509_without_name():
    client = Client()
    Database(client, "app").authenticate(mechanism="MONGODB-X509")
    source, credentials, _ = client.cached[0]
    assert (source, credentials.username, credentials.source) == ("app", None, "$external")


@pytest.mark.parametrize("kwargs,message", [
    ({"name": 1}, "name must be an instance of str, not int"),
    ({"name": "u", "password": b"p"}, "password must be an instance of str, not bytes"),
    ({"name": "u", "password": "p", "source": 5}, "source must be an instance of str, not int"),
    ({"name": "u", "password": "p", "mechanism": None},
     "mechanism must be an instance of str, not NoneType"),
])
def test_authenticate_type_errors(kwargs, message):
    with pytest.raises(TypeError, match=message):
        Database(Client(), "app").authenticate(**kwargs)


@pytest.mark.parametrize("kwargs,message", [
    ({"name": "u", "password": "p", "mechanism": "NOPE"}, "authMechanism must be one of"),
    ({"name": "u"}, "requires a password"),
    ({"name": "u", "password": "p", "mechanism": "MONGODB-X509"}, "does not accept a password"),
    ({"name": "u", "password": "p", "bogus": 1}, "unexpected options bogus"),
    ({"name": "u", "mechanism": "GSSAPI", "authMechanismProperties": "SERVICE_NAME"},
     "item 1 is not a KEY:value pair"),
    ({"password": "p"}, "DEFAULT requires a username"),
])
def test_authenticate_configuration_errors(kwargs, message):
    client = Client()
    with pytest.raises(ConfigurationError, match=message):
        Database(client, "app").authenticate(**kwargs)
    assert client.cached == []


def test_logout_purges_the_database_credentials():
    client = Client()
    Database(client, "app").logout()
    assert client.purged == ["app"]


def test_add_user_creates_with_owner_role():
    client = Client()
    Database(client, "app").add_user("bob", "pw")
    assert client.commands[-1] == ("app", {"createUser": "bob", "pwd": "pw",
                                           "roles": ["dbOwner"]})


def test_add_user_read_only_on_admin():
    client = Client()
    Database(client, "admin").add_user("bob", "pw", read_only=True)
    assert client.commands[-1][1]["roles"] == ["readAnyDatabase"]


def test_add_user_updates_an_existing_user_and_keeps_its_roles():
    client = Client(existing_users={"bob"})
    Database(client, "app").add_user("bob", "new")
    assert client.commands[-1] == ("app", {"updateUser": "bob", "pwd": "new"})


def test_add_user_passes_roles_and_extra_fields():
    client = Client()
    Database(client, "app").add_user("bob", "pw", roles=["read"],
                                     customData={"team": "x"})
    assert client.commands[-1][1] == {"createUser": "bob", "pwd": "pw", "roles": ["read"],
                                      "customData": {"team": "x"}}


def test_add_user_when_users_cannot_be_listed_still_creates():
    client = Client(users_info_error=OperationFailure("not authorized", 13))
    Database(client, "app").add_user("bob", "pw")
    assert next(iter(client.commands[-1][1])) == "createUser"


def test_add_user_other_errors_propagate():
    client = Client(users_info_error=OperationFailure("boom", 2))
    with pytest.raises(OperationFailure, match="boom"):
        Database(client, "app").add_user("bob", "pw")


@pytest.mark.parametrize("args,kwargs,error,message", [
    ((1, "pw"), {}, TypeError, "name must be an instance of str, not int"),
    (("bob", 5), {}, TypeError, "password must be an instance of str, not int"),
    (("bob", ""), {}, ValueError, "password can't be empty"),
    (("bob", "pw"), {"read_only": "yes"}, TypeError, "read_only must be True, False or None"),
    (("bob", "pw"), {"read_only": True, "roles": []}, ConfigurationError, "not both"),
    (("bob", "pw"), {"userSource": "x"}, ConfigurationError, "password or userSource"),
])
def test_add_user_errors(args, kwargs, error, message):
    client = Client()
    with pytest.raises(error, match=message):
        Database(client, "app").add_user(*args, **kwargs)
    assert client.commands == []


def test_remove_user():
    client = Client()
    Database(client, "app").remove_user("bob")
    assert client.commands == [("app", {"dropUser": "bob"})]
    with pytest.raises(TypeError, match="name must be an instance of str, not NoneType"):
        Database(client, "app").remove_user(None)


def test_a_malformed_mechanism_property_is_not_echoed():
    """The value may be a secret (a session token): the error names its position only."""
    client = Client()
    with pytest.raises(ConfigurationError) as info:
        Database(client, "app").authenticate(
            "u", mechanism="GSSAPI", authMechanismProperties="SERVICE_NAME:x,s3cr3t-token")
    assert "s3cr3t-token" not in str(info.value) and "item 2" in str(info.value)
