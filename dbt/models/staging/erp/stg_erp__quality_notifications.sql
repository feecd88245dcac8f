with source as (
    select * from {{ source('erp', 'erp_qmel') }}
),

ranked as (
    select
        *,
        row_number() over (partition by qmnum order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        qmnum as notification_id,
        qmart as notification_type,
        nullif(qmtxt, '') as notification_text,
        nullif(priok, '') as priority,
        nullif(kunum, '') as customer_number,
        nullif(lifnum, '') as supplier_id,
        nullif(matnr, '') as product_id,
        nullif(charg, '') as batch_id,
        nullif(mawerk, '') as plant_id,
        nullif(zz_arbpl, '') as line_id,
        nullif(prueflos, '') as inspection_lot_id,
        nullif(vbeln, '') as delivery_id,
        nullif(zz_crm_case, '') as case_id,
        rkmng as complaint_qty,
        {{ sap_date('qmdat') }} as notification_date,
        nullif(mzeit, '') as notification_time,
        {{ sap_date('qmdab') }} as completed_date,
        nullif(stat, '') as system_status,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
