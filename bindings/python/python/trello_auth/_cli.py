"""The ``trello-auth`` console script of the wheel: the same command as the Rust binary
(``login``, ``status``, ``token``, ``logout``, ``origin``, ``demo``), run in this process by the
native module with the GIL released. ``python -m trello_auth._cli ...`` runs it too."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn, Optional

from ._trello_auth import cli_main

__all__ = ["main"]


def main(argv: Optional[Sequence[str]] = None) -> NoReturn:
    """Runs ``trello-auth`` with ``argv`` (default ``sys.argv[1:]``) and exits with its code:
    0 success, 1 failure, 2 a configuration error, 3 denied, 4 popup closed, 5 timeout, 130
    cancelled with Ctrl-C."""
    args = list(sys.argv[1:] if argv is None else argv)
    # What Python buffered comes first: the command writes to the same descriptors directly.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    try:
        code = cli_main(args)
    except KeyboardInterrupt:
        code = 130
    raise SystemExit(code)


if __name__ == "__main__":
    main()
