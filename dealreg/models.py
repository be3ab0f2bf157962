# Filled by the deal registration issue; registered now so the project layout is complete.
