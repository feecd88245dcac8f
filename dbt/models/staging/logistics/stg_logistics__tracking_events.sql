-- Carrier events with the local EDI date/time turned into UTC using the AT7-07 time code.
-- Events re-sent by the carrier (same tracking number, status, time and place) count once.
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

deduplicated as (
    select
        *,
        row_number() over (
            partition by tracking_number, status_code, event_at, city order by _loaded_at
        ) as duplicate_rank
    from converted
),

final as (
    select
        {{ surrogate_key(['tracking_number', 'status_code', 'event_at', 'city']) }} as tracking_event_key,
        carrier_scac,
        tracking_number,
        delivery_id,
        status_code,
        status_reason_code,
        time_code,
        iana_zone is not null as has_known_time_code,
        event_at,
        cast(event_local_text as timestamp) as event_local_at,
        city,
        state,
        country,
        _source_file as source_file,
        _loaded_at
    from deduplicated
    where duplicate_rank = 1
)

select * from final
