with source as (
    select * from {{ source('erp', 'erp_crhd') }}
),

ranked as (
    select
        *,
        row_number() over (partition by werks, arbpl order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        werks as plant_id,
        arbpl as line_id,
        nullif(ktext, '') as line_name,
        nullif(verwe, '') as work_center_category,
        {{ sap_date('zz_auto_insp_from') }} as automated_inspection_from_date,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
