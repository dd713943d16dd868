"""Dispatch: one operation on one server (legacy opcodes, exhaust, write batches, kills)."""
