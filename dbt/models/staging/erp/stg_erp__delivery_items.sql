with source as (
    select * from {{ source('erp', 'erp_lips') }}
),

ranked as (
    select
        *,
        row_number() over (partition by vbeln, posnr order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        vbeln as delivery_id,
        posnr as delivery_line_no,
        vgbel as order_id,
        vgpos as order_line_no,
        matnr as product_id,
        lfimg as shipped_qty,
        charg as batch_id,
        {{ sap_date('wadat_ist') }} as goods_issue_date,
        scac as carrier_scac,
        bolnr as tracking_number
    from ranked
    where version_rank = 1
)

select * from renamed
