"""CRM extraction constants."""

# object name in the CRM API -> landed table
STREAMS: dict[str, str] = {
    "Account": "crm_accounts",
    "AccountHistory": "crm_account_history",
    "Contact": "crm_contacts",
    "Case": "crm_cases",
    "CaseHistory": "crm_case_history",
    "CaseMilestone": "crm_case_milestones",
}
API_PATH = "/services/data/v1/query/"
PAGE_SIZE = 2000
MAX_RETRIES = 6
BACKOFF_BASE_SECONDS = 0.2
BACKOFF_MAX_SECONDS = 10.0
TIMEOUT_SECONDS = 30.0
INITIAL_CURSOR = "1970-01-01T00:00:00.000+0000"
