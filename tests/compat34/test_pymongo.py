"""Module-level values of pymongo and pymongo.auth compared with PyMongo 3.4's."""
from __future__ import annotations

import pymongo
import pymongo.auth


def test_difference_version_reports_the_newest_complete_api():
    """3.4 reported 3.4.0.  mongofw reports the newest PyMongo release whose whole API it
    provides, since libraries choose code paths by version_tuple."""
    assert (pymongo.version, pymongo.version_tuple) == ("3.8.0", (3, 8, 0))


def test_difference_supported_wire_versions():
    """3.4 spoke wire versions 0 to 5 (MongoDB 2.4 to 3.4).  This driver sends OP_MSG
    and speaks 2 to 25, so servers older than MongoDB 2.6 are refused."""
    assert (pymongo.MIN_SUPPORTED_WIRE_VERSION, pymongo.MAX_SUPPORTED_WIRE_VERSION) == (2, 25)


def test_difference_more_auth_mechanisms():
    """3.4's MECHANISMS were the six it implemented; ours lists what the auth plugins
    register, which adds SCRAM-SHA-256 (and any third-party mechanism)."""
    assert {"DEFAULT", "GSSAPI", "MONGODB-CR", "MONGODB-X509", "PLAIN",
            "SCRAM-SHA-1"} <= set(pymongo.auth.MECHANISMS)
    assert "SCRAM-SHA-256" in pymongo.auth.MECHANISMS
