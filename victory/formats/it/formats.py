"""Italian (CLDR): "1 dicembre 2026", without Django's leading zero ("01") and without
the weekday that only its date-and-time format adds."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
