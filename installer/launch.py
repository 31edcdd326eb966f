"""Entry script of the packaged program: hands the command line to the wizard (ui.main)."""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
