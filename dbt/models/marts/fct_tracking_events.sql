-- One row per carrier tracking event (EDI 214 status; re-sent events count once, see staging), with the
-- carrier as a conformed dimension and the status meaning from the EDI code list.
-- Incremental: events whose staging row is from a load batch not built yet (new or changed events), and events whose
-- carrier or status code was unknown, are rebuilt by delete+insert on tracking_event_key. Changing an existing code's
-- meaning needs --full-refresh.
-- Ordering only, not lineage: built after the shipments intermediate, so that the two largest queries on carrier events
-- never share the dbt process's memory limit (run together they took it to 5.3 GB at 10 M order lines).
-- depends_on: {{ ref('int_shipments_joined_to_tracking') }}
{{
    config(
        materialized='incremental',
        unique_key='tracking_event_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with events as (
    select * from {{ ref('stg_logistics__tracking_events') }}
),

statuses as (
    select * from {{ ref('seed_edi_status_codes') }}
),

carriers as (
    select * from {{ ref('dim_carrier') }}
),

{% if is_incremental() %}
stale_events as (
    select existing.tracking_event_key
    from {{ this }} as existing
    where
        existing.normalized_status is null
        or {{ member_is_stale('existing.carrier_key', ref('dim_carrier')) }}
),
{% endif %}

joined as (
    select
        events.tracking_event_key,
        coalesce(carriers.carrier_key, '-1') as carrier_key,
        events.carrier_scac,
        events.tracking_number,
        events.delivery_id,
        events.status_code,
        statuses.description as status_description,
        statuses.normalized_status,
        coalesce(statuses.is_exception, false) as is_exception,
        coalesce(statuses.is_delivered, false) as is_delivered,
        events.status_reason_code,
        events.event_at,
        events.event_local_at,
        cast(events.event_local_at as date) as event_date,
        events.time_code,
        events.has_known_time_code,
        events.city,
        events.state,
        events.country,
        events.source_file,
        events._loaded_at as source_loaded_at,
        events._batch_id as source_batch_id
    from events
    left join statuses on events.status_code = statuses.status_code
    left join carriers on events.carrier_scac = carriers.carrier_scac
    {% if is_incremental() %}
        -- the staging view is read once: a full build takes every row, an incremental one filters here
        where
            {{ in_a_batch_not_built('events._batch_id', ['source_batch_id']) }}
            or events.tracking_event_key in (select stale_events.tracking_event_key from stale_events)
    {% endif %}
)

select * from joined
