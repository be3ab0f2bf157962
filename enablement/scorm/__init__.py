"""SCORM 1.2 and 2004: reading a package (the zip and its imsmanifest.xml) safely, checking what a runtime commits,
rolling its items up into a lesson result, and delivering the files to a sandboxed frame. Pure functions and small
helpers; the use cases that store anything live in `enablement.services.scorm_import` and `scorm_runtime`."""
