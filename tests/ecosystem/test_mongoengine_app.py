"""An application on MongoEngine 0.29.3, against the bundled server through mongofw.

Documents with references and embedded lists, queries, atomic updates, aggregation,
indexes and GridFS file fields: the workflows a MongoEngine user writes every day.
"""
from __future__ import annotations

import datetime
import json
import uuid

import pytest

mongoengine = pytest.importorskip("mongoengine", reason="the test extra installs "
                                  "mongoengine==0.29.3 (scripts/bootstrap)")
from mongoengine import (  # noqa: E402
    CASCADE,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    FileField,
    IntField,
    ListField,
    ReferenceField,
    StringField,
)
from mongoengine.connection import disconnect, get_db  # noqa: E402

from tests.support.listeners import RecordingListener  # noqa: E402
from tests.support.server_gaps import against_ferretdb  # noqa: E402


class Author(Document):
    name = StringField(required=True, unique=True)
    meta = {"db_alias": "eco", "indexes": ["name"]}


class Comment(EmbeddedDocument):
    who = StringField()
    stars = IntField(min_value=0, max_value=5)


class Post(Document):
    title = StringField(required=True)
    author = ReferenceField(Author, reverse_delete_rule=CASCADE)
    tags = ListField(StringField())
    comments = EmbeddedDocumentListField(Comment)
    published = DateTimeField(default=datetime.datetime(2026, 12, 4))
    attachment = FileField(db_alias="eco")
    meta = {"db_alias": "eco", "indexes": [("author", "-published"), "tags"]}


@pytest.fixture
def listener():
    return RecordingListener()


@pytest.fixture
def app_db(server_uri, listener):
    name = f"eco_{uuid.uuid4().hex[:10]}"
    mongoengine.connect(db=name, host=server_uri, alias="eco", event_listeners=[listener],
                        uuidRepresentation="standard")
    yield get_db("eco")
    get_db("eco").client.drop_database(name)
    disconnect("eco")


def test_documents_with_references_and_embedded_lists_round_trip(app_db):
    ada = Author(name="Ada").save()
    post = Post(title="Engines", author=ada, tags=["math", "history"],
                comments=[Comment(who="Bob", stars=5), Comment(who="Cy", stars=3)]).save()
    loaded = Post.objects.get(id=post.id)
    assert loaded.author.name == "Ada"
    assert [c.who for c in loaded.comments] == ["Bob", "Cy"]
    assert loaded.published == datetime.datetime(2026, 12, 4)
    assert Post.objects(author=ada).count() == 1


def test_queries_filter_sort_page_and_project(app_db):
    ada, bob = Author(name="Ada").save(), Author(name="Bob").save()
    for i in range(12):
        Post(title=f"p{i:02}", author=ada if i % 3 else bob, tags=["t", f"n{i % 2}"]).save()
    assert Post.objects(tags="n1").count() == 6
    page = Post.objects(author=ada).order_by("-title").skip(2).limit(3)
    assert [p.title for p in page] == ["p08", "p07", "p05"]
    assert Post.objects(title__in=["p01", "p02"]).only("title").first().tags == []
    assert Post.objects(comments__size=0).count() == 12
    assert Post.objects(title__gte="p10").count() == 2


def test_atomic_updates_and_modify(app_db):
    post = Post(title="x", tags=["a"], comments=[Comment(who="Bob", stars=1)]).save()
    Post.objects(id=post.id).update(push__tags="b", inc__comments__0__stars=2)
    post.reload()
    assert post.tags == ["a", "b"] and post.comments[0].stars == 3
    updated = Post.objects(id=post.id).modify(set__title="y", new=True)
    assert updated.title == "y"
    assert Post.objects(title="y").update_one(pull__tags="a") == 1
    assert Post.objects.get(id=post.id).tags == ["b"]


def test_embedded_list_updates_travel_as_array_filters(app_db, listener):
    """MongoEngine always passes array_filters (None when unused); given, they reach the
    server as arrayFilters (which FerretDB 1.24 refuses; a real mongod applies them)."""
    post = Post(title="x", comments=[Comment(who="Bob", stars=1), Comment(who="Cy", stars=1)])
    post.save()
    assert Post.objects(id=post.id).update(set__title="z") == 1
    assert "arrayFilters" not in listener.started_commands("update")[-1]["updates"][0]
    try:
        Post.objects(id=post.id).update(
            __raw__={"$set": {"comments.$[c].stars": 5}},
            array_filters=[{"c.who": "Cy"}])
    except mongoengine.errors.OperationError:
        assert against_ferretdb()
    else:
        assert [c.stars for c in Post.objects.get(id=post.id).comments] == [1, 5]
    assert listener.started_commands("update")[-1]["updates"][0]["arrayFilters"] == \
        [{"c.who": "Cy"}]


def test_aggregation_through_the_queryset(app_db):
    ada, bob = Author(name="Ada").save(), Author(name="Bob").save()
    for author, n in ((ada, 3), (bob, 2)):
        for i in range(n):
            Post(title=f"{author.name}{i}", author=author).save()
    totals = list(Post.objects.aggregate([{"$group": {"_id": "$author", "n": {"$sum": 1}}},
                                          {"$sort": {"n": -1}}]))
    assert [(t["_id"], t["n"]) for t in totals] == [(ada.id, 3), (bob.id, 2)]


def test_declared_indexes_exist_and_uniqueness_is_enforced(app_db):
    Author(name="Ada").save()
    Post(title="x").save()
    keys = [info["key"] for info in Post._get_collection().index_information().values()]
    assert [("author", 1), ("published", -1)] in keys and [("tags", 1)] in keys
    with pytest.raises(mongoengine.errors.NotUniqueError):
        Author(name="Ada").save()


def test_deleting_an_author_cascades_to_the_posts(app_db):
    ada = Author(name="Ada").save()
    Post(title="x", author=ada).save()
    ada.delete()
    assert Post.objects.count() == 0


def test_file_fields_store_through_gridfs(app_db):
    post = Post(title="with file")
    post.attachment.put(b"%PDF-1.4 hello", content_type="application/pdf",
                        filename="hello.pdf")
    post.save()
    loaded = Post.objects.get(id=post.id)
    assert loaded.attachment.read() == b"%PDF-1.4 hello"
    assert (loaded.attachment.content_type, loaded.attachment.filename) == \
        ("application/pdf", "hello.pdf")
    assert app_db.fs.files.count_documents({}) == 1
    loaded.attachment.delete()
    loaded.save()
    assert app_db.fs.files.count_documents({}) == 0


# MongoEngine itself warns when to_json gets no json_options (about its own default).
@pytest.mark.filterwarnings("ignore:No 'json_options' are specified:DeprecationWarning")
def test_queryset_to_json_serialises_through_json_util(app_db):
    # QuerySet.to_json hands json_util.dumps the queryset itself (an iterable of
    # documents), which 3.4's dumps converted to a list.
    Author(name="Ada").save()
    Author(name="Grace").save()
    text = Author.objects.only("name").order_by("name").to_json()
    assert [doc["name"] for doc in json.loads(text)] == ["Ada", "Grace"]
