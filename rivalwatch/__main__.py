"""`python -m rivalwatch` runs the command line."""
from rivalwatch.cli import main

if __name__ == "__main__":
    main(prog_name="rivalwatch")
