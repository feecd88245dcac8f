-- Carrier events with the local EDI date/time turned into UTC using the AT7-07 time code.
-- Events re-sent by the carrier (same tracking number, status, time and place) count once: the first delivered.
-- Incremental: the events of load batches not built yet are converted and ranked with the delivery the table holds of
-- each; an event whose first delivery is among them is replaced (delete+insert on tracking_event_key: a batch that
-- committed late may hold an earlier delivery). A full build ranks every row.
{{
    config(
        materialized='incremental',
        unique_key='tracking_event_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with source as (
    select * from {{ source('logistics', 'logistics_tracking_events') }}
    where {{ in_a_batch_not_built('_batch_id') }}
),

time_codes as (
    select * from {{ ref('seed_edi_time_codes') }}
),

parsed as (
    select
        source.scac as carrier_scac,
        source.pro_number as tracking_number,
        source.shipment_id as delivery_id,
        source.time_code,
        time_codes.iana_zone,
        source.city,
        source.state,
        source.country,
        source._source_file,
        source._batch_id,
        source._loaded_at,
        source._record_hash,
        upper(source.status_code) as status_code,
        nullif(upper(source.status_reason_code), '') as status_reason_code,
        substr(source.event_date, 1, 4) || '-' || substr(source.event_date, 5, 2) || '-' || substr(source.event_date, 7, 2)
        || ' ' || substr(source.event_time, 1, 2) || ':' || substr(source.event_time, 3, 2) || ':00' as event_local_text
    from source
    left join time_codes on upper(source.time_code) = time_codes.time_code
),

converted as (
    select
        *,
        {{ local_to_utc('event_local_text', "coalesce(iana_zone, 'UTC')") }} as event_at
    from parsed
),

keyed as (
    select
        *,
        {{ surrogate_key(['tracking_number', 'status_code', 'event_at', 'city']) }} as tracking_event_key
    from converted
),

-- every delivery of the events read: on an incremental build, with the one the table holds of each
deliveries as (
    select
        keyed.tracking_event_key,
        keyed._record_hash,
        keyed._loaded_at
    from keyed
    {% if is_incremental() %}
        union all
        select
            built.tracking_event_key,
            built._record_hash,
            built._loaded_at
        from {{ this }} as built
        where built.tracking_event_key in (select new_events.tracking_event_key from keyed as new_events)
    {% endif %}
),

-- the first delivery of each event (earliest load; ties broken by the content hash), ranked on the event's key alone:
-- a window that carries every column holds them all in memory, this one spills to disk (a raw row is its content hash
-- and load time: a batch lands a hash once)
first_deliveries as (
    select
        ranked._record_hash,
        ranked._loaded_at
    from (
        select
            _record_hash,
            _loaded_at,
            row_number() over (partition by tracking_event_key order by _loaded_at, _record_hash) as duplicate_rank
        from deliveries
    ) as ranked
    where ranked.duplicate_rank = 1
),

-- the rows read that are their event's first delivery (on an incremental build, an event the table holds from an
-- earlier delivery is not among them and stays as it is)
final as (
    select
        keyed.tracking_event_key,
        keyed.carrier_scac,
        keyed.tracking_number,
        keyed.delivery_id,
        keyed.status_code,
        keyed.status_reason_code,
        keyed.time_code,
        keyed.iana_zone is not null as has_known_time_code,
        keyed.event_at,
        cast(keyed.event_local_text as timestamp) as event_local_at,
        keyed.city,
        keyed.state,
        keyed.country,
        keyed._source_file as source_file,
        keyed._record_hash,
        keyed._batch_id,
        keyed._loaded_at
    from keyed
    inner join first_deliveries
        on keyed._record_hash = first_deliveries._record_hash and keyed._loaded_at = first_deliveries._loaded_at
)

select * from final
