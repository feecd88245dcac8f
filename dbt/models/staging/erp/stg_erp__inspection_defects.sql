with source as (
    select * from {{ source('erp', 'erp_qmfe') }}
),

ranked as (
    select
        *,
        row_number() over (partition by prueflos, fenum order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        prueflos as inspection_lot_id,
        fenum as defect_item,
        nullif(qmnum, '') as notification_id,
        nullif(fekat, '') as catalog_type,
        fegrp as defect_code_group,
        fecod as defect_code,
        anzfehler as defect_count,
        nullif(feqklas, '') as defect_class,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
