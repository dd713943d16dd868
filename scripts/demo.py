"""The README's demo: a CRUD round trip against the server whose URI is argv[1]."""
from __future__ import annotations

import datetime
import pprint
import sys

from bson.objectid import ObjectId
from pymongo import MongoClient


def main(uri: str) -> int:
    with MongoClient(uri, serverSelectionTimeoutMS=10000) as client:
        print(f"connected to {uri}: ping -> {client.admin.command('ping')}")
        coll = client.mongofw_demo.people
        coll.drop()
        doc = {
            "name": "Ada", "age": 36, "score": 9.5, "active": True, "nickname": None,
            "friend": ObjectId(),
            "joined": datetime.datetime(2026, 11, 27, 12, 30, tzinfo=datetime.timezone.utc)
            .replace(tzinfo=None),
            "address": {"city": "London", "tags": ["math", "engines"]},
        }
        result = coll.insert_one(doc)
        print(f"inserted _id {result.inserted_id}")
        found = coll.find_one({"name": "Ada"})
        print("found document:")
        pprint.pprint(found, sort_dicts=False)
        assert found == doc, "round-tripped document differs"
        coll.update_one({"_id": result.inserted_id}, {"$inc": {"age": 1}})
        print(f"after $inc: age = {coll.find_one({'_id': result.inserted_id})['age']}")
        print(f"deleted {coll.delete_many({}).deleted_count} document(s)")
        client.drop_database("mongofw_demo")
    print("round trip OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "mongodb://127.0.0.1:27017/"))
