with source as (
    select * from {{ source('erp', 'erp_lfa1') }}
),

ranked as (
    select
        *,
        row_number() over (partition by lifnr order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        lifnr as supplier_id,
        name1 as supplier_name,
        land1 as country,
        nullif(zz_approval, '') as approval_status,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
