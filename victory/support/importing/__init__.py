"""The directory as a file: reading CSV or JSON into validated rows, and writing it back.

Every check of a service's values lives here, so the importer, the services and the admin
form refuse the same things with the same words. Reading never guesses: a file that is
not UTF-8 is reported with the position of the first unreadable byte, and every problem
of every row is collected (row, column, message) so a person can fix the whole file at
once. Nothing here writes to the database; ``services.services_import`` does, in one
transaction. The schema is documented in ``docs/directory-import.md``.

By topic: ``schema`` (columns, codes, the row types), ``checks`` (one service's values),
``reading`` (a file into records), ``validating`` (records into rows), ``writing`` (the
export). Callers import from here.
"""

from .checks import normalise_text as normalise_text
from .checks import service_problems as service_problems
from .checks import service_values_normalise as service_values_normalise
from .checks import translation_problems as translation_problems
from .reading import detect_format as detect_format
from .reading import read_csv as read_csv
from .reading import read_json as read_json
from .reading import read_records as read_records
from .schema import FORMATS as FORMATS
from .schema import LIST_COLUMNS as LIST_COLUMNS
from .schema import SERVICE_COLUMNS as SERVICE_COLUMNS
from .schema import ParsedFile as ParsedFile
from .schema import Problem as Problem
from .schema import Record as Record
from .schema import RecordSet as RecordSet
from .schema import ServiceRow as ServiceRow
from .schema import TranslationText as TranslationText
from .schema import translation_languages as translation_languages
from .validating import parse_services as parse_services
from .validating import record_validate as record_validate
from .validating import records_validate as records_validate
from .writing import rows_to_csv as rows_to_csv
from .writing import rows_to_json as rows_to_json
from .writing import service_row as service_row
from .writing import service_rows_all as service_rows_all
from .writing import services_export as services_export
