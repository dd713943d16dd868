"""``SystemJS``: the server-side ``system.js`` collection as attributes."""
from __future__ import annotations

from typing import Any, List


class SystemJS:
    """Server-side JavaScript stored in ``system.js``, by attribute or item access.

    ``db.system_js.add1 = "function (x) { return x + 1; }"`` stores a function,
    ``db.system_js.add1(5)`` runs it through ``Database.eval``, ``del`` removes it.

    :param database: the :class:`~pymongo.database.Database` whose ``system.js`` it
        reads and writes; an unacknowledged write concern is replaced by the default,
        so a stored function is there before it is called.

    Applications use :attr:`Database.system_js
    <pymongo.database.Database.system_js>` rather than building one.  ``eval`` is gone
    from MongoDB 4.2, so calling a stored function fails there.
    """

    def __init__(self, database: Any) -> None:
        from mongofw.options.write_concern import WriteConcern

        if not database.write_concern.acknowledged:
            # Stored functions must be there before they are called.
            database = database.client.get_database(database.name,
                                                    write_concern=WriteConcern())
        object.__setattr__(self, "_db", database)

    def __setattr__(self, name: str, code: Any) -> None:
        from bson.code import Code

        self._db.system.js.replace_one({"_id": name}, {"_id": name, "value": Code(code)},
                                       True)

    def __setitem__(self, name: str, code: Any) -> None:
        self.__setattr__(name, code)

    def __delattr__(self, name: str) -> None:
        self._db.system.js.delete_one({"_id": name})

    def __delitem__(self, name: str) -> None:
        self.__delattr__(name)

    def __getattr__(self, name: str) -> Any:
        from bson.code import Code

        if name.startswith("__"):
            raise AttributeError(name)
        call = Code("function() { return this[name].apply(this, arguments); }",
                    scope={"name": name})
        return lambda *args: self._db.eval(call, *args)

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)

    def list(self) -> List[str]:
        """The names of the functions stored in this database."""
        return [doc["_id"] for doc in self._db.system.js.find(projection=["_id"])]
