# Filled by the market development funds issue; registered now so the project layout is complete.
