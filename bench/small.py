"""`--small`, the same for every benchmark: a run of a few seconds that `make bench-small` (and so
`make test`) makes, so that a change cannot break `make bench` unseen. Its figures mean nothing;
what it checks is that the bench runs to its end and did its work (exit status 1 otherwise)."""

import argparse
import sys

HELP = "a few seconds' run for `make bench-small`: checks that the bench works; its figures mean nothing"


def parse_args(parser: argparse.ArgumentParser, **small) -> argparse.Namespace:
    """The command line; with --small, `small` replaces the defaults (an argument given still wins)."""
    parser.add_argument("--small", action="store_true", help=HELP)
    if "--small" in sys.argv[1:]:
        parser.set_defaults(**small)
    return parser.parse_args()


def fail(message: str) -> None:
    """The small run's verdict when the bench did not do its work."""
    sys.exit(f"{sys.argv[0]} --small: {message}")
