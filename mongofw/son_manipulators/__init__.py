"""SON manipulators (documented as ``pymongo.son_manipulator``) and their default plugin."""
