import sys

from bench.enablement.measure import main

sys.exit(main())
