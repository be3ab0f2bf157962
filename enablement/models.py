# Filled by the enablement issue; registered now so the project layout is complete.
