-- Carrier events with the local EDI date/time turned into UTC using the AT7-07 time code.
-- Events re-sent by the carrier (same tracking number, status, time and place) count once: the first delivered.
with source as (
    select * from {{ source('logistics', 'logistics_tracking_events') }}
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

-- the first delivery of each event, ranked on the event's key alone: a window that carries every column holds them
-- all in memory, this one spills to disk (a raw row is its content hash and load time: a batch lands a hash once)
first_deliveries as (
    select
        ranked._record_hash,
        ranked._loaded_at
    from (
        select
            _record_hash,
            _loaded_at,
            row_number() over (
                partition by tracking_number, status_code, event_at, city order by _loaded_at, _record_hash
            ) as duplicate_rank
        from converted
    ) as ranked
    where ranked.duplicate_rank = 1
),

final as (
    select
        {{ surrogate_key(['converted.tracking_number', 'converted.status_code', 'converted.event_at', 'converted.city']) }} as tracking_event_key,
        converted.carrier_scac,
        converted.tracking_number,
        converted.delivery_id,
        converted.status_code,
        converted.status_reason_code,
        converted.time_code,
        converted.iana_zone is not null as has_known_time_code,
        converted.event_at,
        cast(converted.event_local_text as timestamp) as event_local_at,
        converted.city,
        converted.state,
        converted.country,
        converted._source_file as source_file,
        converted._loaded_at
    from converted
    inner join first_deliveries
        on converted._record_hash = first_deliveries._record_hash and converted._loaded_at = first_deliveries._loaded_at
)

select * from final
