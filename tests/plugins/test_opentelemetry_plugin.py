"""The OpenTelemetry plugin traces each command as a client span, found by entry point alone.

``scripts/bootstrap`` pip-installs ``plugins/mongofw-opentelemetry``; the client below is
given only a tracer provider (an in-memory exporter), and the spans come out of a real
CRUD run against the bundled server.
"""
from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError, OperationFailure

pytest.importorskip("mongofw_opentelemetry",
                    reason="plugins/mongofw-opentelemetry is not installed (scripts/bootstrap "
                           "installs it)")

from mongofw_opentelemetry import tracing  # noqa: E402
from mongofw_opentelemetry.tracing import CommandTracer  # noqa: E402

SECRET = "s3cr3t-value"


@pytest.fixture
def traced():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


def _spans(exporter, name):
    return [span for span in exporter.get_finished_spans() if span.name == name]


def test_each_command_is_a_client_span_under_the_callers_span(server_uri, traced):
    provider, exporter = traced
    tracer = provider.get_tracer("app")
    with MongoClient(server_uri, opentelemetry_tracer_provider=provider) as client:
        coll = client.otel_test.orders
        coll.drop()
        with tracer.start_as_current_span("place-order") as parent:
            coll.insert_one({"_id": 1, "card": SECRET})
            assert coll.find_one({"card": SECRET})["_id"] == 1
        port = client.address[1]
    [insert] = _spans(exporter, "insert orders")
    [find] = _spans(exporter, "find orders")
    for span in (insert, find):
        assert span.kind is SpanKind.CLIENT
        assert span.parent.span_id == parent.get_span_context().span_id
        assert span.status.status_code is StatusCode.UNSET
        assert span.attributes["db.system"] == "mongodb"
        assert span.attributes["db.namespace"] == "otel_test"
        assert span.attributes["db.collection.name"] == "orders"
        assert span.attributes["server.port"] == port
        assert SECRET not in repr(dict(span.attributes))
    assert (insert.attributes["db.operation.name"], find.attributes["db.operation.name"]) == \
        ("insert", "find")


def test_a_failed_command_has_an_error_status_and_code(server_uri, traced):
    provider, exporter = traced
    with MongoClient(server_uri, opentelemetry_tracer_provider=provider) as client:
        with pytest.raises(OperationFailure):
            client.otel_test.command("noSuchCommandAnywhere")
        coll = client.otel_test.dups
        coll.drop()
        coll.insert_one({"_id": 1})
        with pytest.raises(DuplicateKeyError):
            coll.insert_one({"_id": 1})
    [unknown] = _spans(exporter, "noSuchCommandAnywhere")
    assert unknown.status.status_code is StatusCode.ERROR
    assert unknown.attributes["db.response.status_code"] == "59"
    assert unknown.attributes["error.type"] == "CommandNotFound"
    # A write error is in an ok:1 reply: the command succeeded, the write did not.
    assert {span.status.status_code for span in _spans(exporter, "insert dups")} == \
        {StatusCode.UNSET}


def test_the_option_turns_tracing_off_for_one_client(server_uri, traced):
    provider, exporter = traced
    with MongoClient(server_uri, opentelemetry_tracer_provider=provider,
                     opentelemetry_tracing=False) as client:
        client.admin.command("ping")
    assert exporter.get_finished_spans() == ()


def test_bad_options_are_refused():
    with pytest.raises(TypeError, match="opentelemetry_tracing must be True or False"):
        MongoClient("mongodb://127.0.0.1:1/", connect=False, opentelemetry_tracing="yes")
    with pytest.raises(TypeError, match="must be an OpenTelemetry TracerProvider"):
        MongoClient("mongodb://127.0.0.1:1/", connect=False,
                    opentelemetry_tracer_provider=object())


def test_a_lost_end_event_cannot_grow_the_open_spans_without_bound(traced, monkeypatch):
    from mongofw.monitoring.events import CommandStartedEvent

    provider, exporter = traced
    monkeypatch.setattr(tracing, "MAX_OPEN_SPANS", 3)
    listener = CommandTracer(provider)
    for request_id in range(5):
        listener.started(CommandStartedEvent({"ping": 1}, "admin", request_id, ("h", 1)))
    ended = exporter.get_finished_spans()
    assert len(ended) == 2 and all(s.status.status_code is StatusCode.ERROR for s in ended)
    assert len(listener._open) == 3
