with source as (
    select * from {{ source('erp', 'erp_lfa1_changes') }}
),

ranked as (
    select
        *,
        row_number() over (partition by changenr order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        changenr as change_id,
        lifnr as supplier_id,
        fname as field_name,
        nullif(value_old, '') as old_value,
        nullif(value_new, '') as new_value,
        {{ sap_date('udate') }} as valid_from_date,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
