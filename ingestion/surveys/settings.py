"""Survey export constants."""

TABLE = "surveys_responses"
FILE_GLOB = "*.csv"
HEADER_ROWS = 3  # Qualtrics: column ids, question texts, ImportId JSON
DEFAULT_TIMEZONE = "UTC"
