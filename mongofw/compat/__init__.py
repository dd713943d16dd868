"""Undocumented PyMongo 3.x names that libraries built on the 3.x API reach for.

The API reference never documented these, but released libraries import or read them,
so an application built on such a library would fail without them.  Each lives here
(and nowhere else in the code), says which library needs it and how, and has a test in
``tests/unit/compat/`` naming that library.  The ``pymongo`` / ``gridfs`` façades
re-export the module-level names; the attribute ones are mixins the documented classes
inherit.

==============================================  ====================================
name                                            needed by
==============================================  ====================================
``pymongo.common._UUID_REPRESENTATIONS``        MongoEngine 0.29 (``connect()``)
``pymongo.common.validate_read_preference``     MongoEngine 0.29 (``QuerySet``)
``pymongo.common`` wire-version constants       tools that patch them, as 3.13's did
``pymongo.database._check_name``                MongoEngine 0.29 (``connect()``)
``pymongo.read_preferences._MONGOS_MODES``      kombu 5 (its MongoDB transport)
``GridFSBucket._collection``                    pymodm 0.4 (``FileField``)
==============================================  ====================================
"""
