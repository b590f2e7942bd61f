"""`python -m catalog` runs the command-line interface (exiting the usual way, atexit
handlers run: for coverage and profilers)."""

from catalog.cli import main

if __name__ == "__main__":
    main(fast_exit=False)
