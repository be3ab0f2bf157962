# Filled by the tiering issue; registered now so the project layout is complete.
