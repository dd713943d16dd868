"""mongofw-pymongo38-codec: a PyMongo 3.8 type codec (IPv4 addresses) as a mongofw plugin."""
