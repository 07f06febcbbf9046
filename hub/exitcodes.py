"""The exit statuses of the `hub` console script and `hub ask`: one definition for both."""

from __future__ import annotations

EXIT_OK = 0
"""Done."""
EXIT_FAIL = 1
"""It failed: the hub unreachable, an HTTP error, a command not understood."""
EXIT_USAGE = 2
"""The command line or the configuration is wrong (argparse also exits with 2)."""
