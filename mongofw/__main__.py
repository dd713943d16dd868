"""Command line: ``python -m mongofw plugins|check|pin|unpin``."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def _plugins_command(args: argparse.Namespace) -> int:
    from mongofw.plugin_manager import DISABLE_ENV, create_plugin_manager, describe

    pm = create_plugin_manager()
    infos = describe(pm)
    if not infos:
        print("no mongofw plugins are installed; is mongofw installed (pip install -e .)?")
        return 1
    width = max(len(info.name) for info in infos)
    for info in infos:
        print(f"{info.name:<{width}}  {info.distribution} {info.version}")
        for hook in info.hooks:
            print(f"{'':<{width}}    {hook}")
    blocked = [name for name, plugin in pm.list_name_plugin() if plugin is None]
    if blocked:
        print(f"disabled by {DISABLE_ENV}: {', '.join(sorted(blocked))}")
    return 0


def _check_command(args: argparse.Namespace) -> int:
    from mongofw import installation

    found = installation.problems()
    for problem in found:
        print(f"problem: {problem}")
    if not found:
        print("pymongo, gridfs and bson are mongofw's")
    return 1 if found else 0


def _pin_command(args: argparse.Namespace) -> int:
    from mongofw import installation

    try:
        if args.command == "pin":
            path = installation.pin()
            print(f"pip in this environment is constrained by {path}")
        else:
            had = installation.unpin()
            print("constraint removed" if had else "there was no mongofw constraint")
    except RuntimeError as exc:
        print(f"python -m mongofw {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mongofw")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("plugins", help="list loaded plugins, their distributions and hooks")
    sub.add_parser("check", help="say whether pymongo/bson in this environment are mongofw's")
    sub.add_parser("pin", help="keep pip from replacing mongofw's pymongo in this venv")
    sub.add_parser("unpin", help="remove the constraint `pin` wrote")
    args = parser.parse_args(argv)
    if args.command == "plugins":
        return _plugins_command(args)
    if args.command == "check":
        return _check_command(args)
    return _pin_command(args)


if __name__ == "__main__":
    sys.exit(main())
