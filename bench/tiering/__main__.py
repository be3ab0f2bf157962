import sys

from bench.tiering.measure import main

sys.exit(main())
