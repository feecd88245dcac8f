-- One row per carrier (grain = carrier_scac), plus '-1' for shipments with no known carrier.
with carriers as (
    select * from {{ ref('seed_carriers') }}
),

known as (
    select
        {{ surrogate_key(['carrier_scac']) }} as carrier_key,
        carrier_scac,
        carrier_name,
        transport_mode,
        service_level,
        is_3pl
    from carriers
),

unknown_member as (
    select
        '-1' as carrier_key,
        '-1' as carrier_scac,
        'Unknown' as carrier_name,
        'Unknown' as transport_mode,
        'Unknown' as service_level,
        false as is_3pl
),

final as (
    select * from known
    union all
    select * from unknown_member
)

select * from final
