"""Pages of market development funds: the partner's "Funds" (views/portal.py) and the staff's console pages
(views/console.py). Thin: reads through mdf's selectors, writes through its services."""
