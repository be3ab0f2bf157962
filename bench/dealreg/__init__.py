"""Deal registration at scale: conflict check latency over a synthetic program, and (when the lifecycle's submit
endpoint exists) submit throughput through the API.

`python -m bench.dealreg` builds (or tops up) the bench tenant to 10,000 partners, 1,000,000 registrations,
200,000 CRM accounts and 100,000 CRM opportunities, then measures `dealreg.selectors.conflicts.find_conflicts`
in-process over a few hundred realistic checks. `--registrations 100000` (etc.) tries it quickly. Prints one JSON
document and saves it under bench/results/; `make bench` runs the same part through bench/run.py.

The data. Customers are generated deterministically from their index (brand names made of syllables, surnames,
place + industry names like "Pacific Logistics", and Faker's company names in seven locales), each with a country,
a legal form of that country and usually a website under that country's suffix. Registrations pick customers with
a skew (some are registered again and again), type them as people do — another legal form or none, case, "&" for
"and", a typo, a website as a URL, a bare domain, an email address or nothing — and have a status spread like a
program's history: 20% active (submitted, under review, information requested, approved), the rest draft, won,
lost, expired, rejected or withdrawn. Half of the CRM accounts are customers partners also register; a quarter of
the CRM opportunities are open.

The data is made in `generate` (written with COPY, see there); `measure` measures and holds the command line.
"""

from bench.dealreg.measure import add_arguments, dealreg_bench, main  # noqa: F401 - bench/run.py and `-m` use them
