#!/usr/bin/env python3
"""Prints the first TCP port in [FROM, TO) free on 127.0.0.1 (or 0 to let the system choose when none given)."""
import socket
import sys

lo, hi = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (0, 1)
for port in range(lo, hi):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(s.getsockname()[1])
        break
else:
    sys.exit(f"no free port in {lo}-{hi}")
