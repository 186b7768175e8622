"""A correct file that prints 50 MB (25 MB to stdout, 25 MB to stderr) at import."""
import sys

_line = "x" * 1023 + "\n"
for _ in range(25 * 1024):
    sys.stdout.write(_line)
    sys.stderr.write(_line)
