"""`python -m bench.dealreg`: the deal registration bench on its own."""

import sys

from bench.dealreg.measure import main

sys.exit(main())
