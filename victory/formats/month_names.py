"""Month names, so that our catalogues can write them as each language does.

Django's own catalogues capitalise the months in Portuguese and Italian ("Dezembro",
"Dicembre"), which both languages write in lower case. Listing the names here lets
``makemessages`` extract them into our catalogues, which take precedence over
Django's (LOCALE_PATHS); every language gives its own usual form.
"""

from django.utils.translation import gettext_noop

MONTH_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
