"""pymongo.errors: the hierarchy and attributes as in PyMongo 3.4."""
from __future__ import annotations

from pymongo import errors


def test_exceeded_max_waiters_is_not_a_pymongo_error():
    assert errors.ExceededMaxWaiters.__mro__[1:] == (Exception, BaseException, object)


def test_operation_failure_code_and_details():
    failure = errors.OperationFailure("x", 5, {"a": 1})
    assert (str(failure), failure.code, failure.details) == ("x", 5, {"a": 1})
    assert errors.OperationFailure("x").code is None


def test_hierarchy():
    assert issubclass(errors.DuplicateKeyError, errors.WriteError)
    assert issubclass(errors.WTimeoutError, errors.WriteConcernError)
    assert issubclass(errors.NotMasterError, errors.AutoReconnect)
    assert issubclass(errors.InvalidURI, errors.ConfigurationError)
    assert issubclass(errors.DocumentTooLarge, errors.InvalidDocument)
