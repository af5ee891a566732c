import sys

from tui.cli.program import main

sys.exit(main())
