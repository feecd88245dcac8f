"""Survey export constants."""

TABLE = "surveys_responses"
FILE_GLOB = "*.csv"
HEADER_ROWS = 3  # Qualtrics: column ids, question texts, ImportId JSON
DEFAULT_TIMEZONE = "UTC"
CHUNK_ROWS = 50_000  # responses read and conformed at a time; a file still lands in one transaction

# REST mode (Qualtrics-like API: GET /API/v3/surveys, /API/v3/surveys/<id>/responses)
API_PATH = "/API/v3/surveys"
PAGE_SIZE = 500
MAX_RETRIES = 6
BACKOFF_BASE_SECONDS = 0.2
BACKOFF_MAX_SECONDS = 10.0
TIMEOUT_SECONDS = 30.0
INITIAL_CURSOR = "1970-01-01T00:00:00Z"
# key in the API's `values` -> column of the CSV export (the contract's source_name); QID<n> -> Q<n>
API_VALUE_COLUMNS = {
    "startDate": "StartDate",
    "endDate": "EndDate",
    "status": "Status",
    "ipAddress": "IPAddress",
    "progress": "Progress",
    "duration": "Duration (in seconds)",
    "finished": "Finished",
    "recordedDate": "RecordedDate",
    "_recordId": "ResponseId",
    "recipientLastName": "RecipientLastName",
    "recipientFirstName": "RecipientFirstName",
    "recipientEmail": "RecipientEmail",
    "externalDataReference": "ExternalReference",
    "distributionChannel": "DistributionChannel",
    "userLanguage": "UserLanguage",
    "QID5_TEXT": "Q5",
}
API_TIMESTAMPS = ("startDate", "endDate", "recordedDate")
