"""Land survey responses from a Qualtrics-like REST API (the `rest` kind of the surveys source).

Surveys are listed with `GET /API/v3/surveys` (id and account time zone); each survey's responses are
read with `GET /API/v3/surveys/<id>/responses?startDate=<cursor>&pageSize=<n>`, following `nextPage`.
The cursor is the largest `recordedDate` landed per survey, stored in raw._cursors with the page it
came from and re-read inclusively (a response recorded in the cursor's second is not missed; landing
drops the exact re-reads by content hash). Within a page a ResponseId delivered twice counts once.
429 and 5xx answers are retried with exponential backoff, honouring Retry-After.

The API returns UTC timestamps; they are landed as wall-clock text in the survey's time zone, with
that zone in `source_timezone`, exactly as the CSV export carries them, so both kinds of the source
land the same rows in raw.surveys_responses.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import duckdb

from ingestion.common.contract import ContractError, load_contract
from ingestion.common.http import RestClient
from ingestion.common.landing import LoadResult, connect_warehouse, get_cursor, land, new_batch_id
from ingestion.common.settings import build_db_path
from ingestion.surveys import settings
from ingestion.surveys.normalize import responses_to_frame


class SurveyApiError(RuntimeError):
    pass


class SurveyClient(RestClient):
    source = "surveys"
    error = SurveyApiError
    settings = settings

    def _get(self, url: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = self.get_json(url, params).get("result") or {}
        return body

    def surveys(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        body = self._get(settings.API_PATH)
        while True:
            out += body.get("elements", [])
            if not body.get("nextPage"):
                return out
            body = self._get(str(body["nextPage"]))

    def pages(self, survey_id: str, start_date: str) -> Iterator[list[dict[str, Any]]]:
        body = self._get(
            f"{settings.API_PATH}/{survey_id}/responses",
            {"startDate": start_date, "pageSize": self.page_size},
        )
        while True:
            yield body.get("responses", [])
            if not body.get("nextPage"):
                return
            body = self._get(str(body["nextPage"]))


def cursor_after(responses: list[dict[str, Any]], current: str) -> str:
    """The next startDate: the largest recordedDate seen (UTC ISO text sorts), never moving back."""
    stamps = [str((r.get("values") or {}).get("recordedDate") or "") for r in responses]
    return max([current, *[s for s in stamps if s[:2] in ("19", "20")]])


def extract(
    conn: duckdb.DuckDBPyConnection,
    base_url: str,
    token: str,
    *,
    client: SurveyClient | None = None,
) -> dict[str, LoadResult]:
    """Land every survey's new responses into raw.surveys_responses; one LoadResult for the table."""
    own = client is None
    client = client or SurveyClient(base_url, token)
    contract = load_contract("surveys", settings.TABLE)
    total = LoadResult(table=settings.TABLE)
    batch = new_batch_id()
    try:
        for survey in sorted(client.surveys(), key=lambda s: str(s["id"])):
            sid, tz = str(survey["id"]), str(survey.get("timeZone") or settings.DEFAULT_TIMEZONE)
            since = get_cursor(conn, "surveys", sid) or settings.INITIAL_CURSOR
            for page_no, responses in enumerate(client.pages(sid, since), start=1):
                if not responses:
                    continue
                label = f"{sid} page {page_no} since {since}"
                good, bad, extra, dropped = responses_to_frame(
                    responses, contract, survey_id=sid, timezone=tz, source_file=label
                )
                res = land(
                    conn,
                    contract,
                    good,
                    bad,
                    source_label=f"surveys:rest {base_url}",
                    batch_id=batch,
                    source_file=label,
                    extra_columns=extra,
                    cursor=(sid, cursor_after(responses, since)),
                    # a re-delivered response repeats its recorded date (pages come in that order)
                    dedupe_range="recorded_date",
                )
                res.rows_read += dropped
                res.rows_duplicate += dropped
                total.add(res)
    finally:
        if own:
            client.close()
    return {settings.TABLE: total}


def main() -> None:
    p = argparse.ArgumentParser(description="Land survey responses from the survey API.")
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--db", default=str(build_db_path()))
    a = p.parse_args()
    with connect_warehouse(a.db) as conn:
        try:
            res = extract(conn, a.url, a.token)[settings.TABLE]
        except (SurveyApiError, ContractError) as exc:
            raise SystemExit(str(exc)) from None
        print(
            f"raw.{settings.TABLE}: {res.rows_landed} landed, {res.rows_duplicate} duplicate, "
            f"{res.rows_quarantined} quarantined"
        )


if __name__ == "__main__":
    main()
