"""`python -m policydocs`: the `policydocs` command."""

import sys

from policydocs.cli import main

sys.exit(main())
