"""Date and time formats per language, one everywhere (`{{ value|date:"DATETIME_FORMAT" }}`, `DATE_FORMAT`).

Every shown time names its zone (`T`: "CET", "UTC"): people of one program live in many zones. Numbers keep
Django's formats for each language (separators), which the `money` filter uses as well."""
