"""GridFS logic behind the documented ``gridfs`` package.

``bucket`` holds one bucket's collections and storage, ``upload``/``download`` stream a
file chunk by chunk, ``storage`` is the default chunk storage that ``default_plugin``
offers through the ``mongofw_gridfs_storage`` hook, and ``cli`` is the file tool.
"""
