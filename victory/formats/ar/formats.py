"""Arabic (CLDR): "1 ديسمبر 2026" and "1 ديسمبر 2026، 9:05 م". Django's date-and-time
formats are the American ones ("ديسمبر 1, 2026, 9:05 م", "12/01/2026"), inconsistent
with its own Arabic date format. Western digits, as the pages use for 112 and 116 006."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، g:i A"
TIME_FORMAT = "g:i A"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
# The right-to-left marks keep day, month and year in order in a right-to-left line.
SHORT_DATE_FORMAT = "d\u200f/m\u200f/Y"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y، g:i A"
