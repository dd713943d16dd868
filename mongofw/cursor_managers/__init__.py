"""The cursor manager (documented as ``pymongo.cursor_manager``) and its default plugin."""
