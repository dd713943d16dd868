"""A Flask application on Flask-PyMongo 2.x, one request cycle at a time, through mongofw."""
from __future__ import annotations

import io
import uuid

import pytest

flask = pytest.importorskip("flask", reason="the test extra installs Flask-PyMongo 2.x")
flask_pymongo = pytest.importorskip("flask_pymongo", reason="the test extra installs "
                                    "Flask-PyMongo 2.x")


@pytest.fixture
def app(server_uri):
    name = f"flask_{uuid.uuid4().hex[:10]}"
    app = flask.Flask(__name__)
    app.config["MONGO_URI"] = f"{server_uri.rstrip('/')}/{name}"
    mongo = flask_pymongo.PyMongo(app)

    @app.post("/todos")
    def add_todo():
        body = flask.request.get_json()
        result = mongo.db.todos.insert_one({"text": body["text"], "done": False})
        return {"id": str(result.inserted_id)}, 201

    @app.get("/todos/<ObjectId:todo_id>")
    def get_todo(todo_id):
        todo = mongo.db.todos.find_one_or_404({"_id": todo_id})
        return {"text": todo["text"], "done": todo["done"]}

    @app.patch("/todos/<ObjectId:todo_id>")
    def finish_todo(todo_id):
        result = mongo.db.todos.update_one({"_id": todo_id}, {"$set": {"done": True}})
        return {"matched": result.matched_count}

    @app.get("/todos")
    def list_todos():
        done = flask.request.args.get("done") == "1"
        return {"texts": [t["text"] for t in mongo.db.todos.find({"done": done}).sort("text")]}

    @app.post("/files/<path:filename>")
    def upload(filename):
        mongo.save_file(filename, io.BytesIO(flask.request.get_data()),
                        content_type="text/plain")
        return "", 204

    @app.get("/files/<path:filename>")
    def download(filename):
        return mongo.send_file(filename)

    yield app
    mongo.cx.drop_database(name)
    mongo.cx.close()


def test_a_request_cycle_creates_reads_updates_and_lists(app):
    web = app.test_client()
    created = web.post("/todos", json={"text": "write tests"})
    assert created.status_code == 201
    todo_id = created.get_json()["id"]
    web.post("/todos", json={"text": "ship"})
    assert web.get(f"/todos/{todo_id}").get_json() == {"text": "write tests", "done": False}
    assert web.patch(f"/todos/{todo_id}").get_json() == {"matched": 1}
    assert web.get("/todos?done=1").get_json() == {"texts": ["write tests"]}
    assert web.get("/todos?done=0").get_json() == {"texts": ["ship"]}


def test_a_missing_document_is_a_404(app):
    assert app.test_client().get("/todos/5a0b1c2d3e4f5a6b7c8d9e0f").status_code == 404
    assert app.test_client().get("/todos/not-an-id").status_code == 404


def test_files_are_saved_and_served_through_gridfs(app):
    web = app.test_client()
    assert web.post("/files/notes/today.txt", data=b"hello gridfs").status_code == 204
    served = web.get("/files/notes/today.txt")
    assert served.status_code == 200 and served.data == b"hello gridfs"
    assert served.mimetype == "text/plain"
    assert web.get("/files/nothing.txt").status_code == 404
