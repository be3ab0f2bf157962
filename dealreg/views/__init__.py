"""Deal registration pages, one module per side: `registrations` (the list, the form and a registration's page,
partner side and shared) and `review` (the vendor's queue, export, rules of engagement and the public rules page)."""
