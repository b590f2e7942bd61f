"""`python -m catalog` runs the command-line interface."""

from catalog.cli import main

if __name__ == "__main__":
    main()
