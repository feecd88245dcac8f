with source as (
    select * from {{ source('erp', 'erp_t001w') }}
),

ranked as (
    select
        *,
        row_number() over (partition by werks order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        werks as plant_id,
        nullif(name1, '') as plant_name,
        nullif(ort01, '') as city,
        nullif(regio, '') as state,
        nullif(land1, '') as country,
        nullif(tzone, '') as time_zone,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
