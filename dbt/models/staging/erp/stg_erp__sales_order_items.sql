with source as (
    select * from {{ source('erp', 'erp_vbap') }}
),

ranked as (
    select
        *,
        row_number() over (partition by vbeln, posnr order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        vbeln as order_id,
        posnr as order_line_no,
        matnr as product_id,
        kwmeng as ordered_qty,
        netwr as net_amount,
        werks as plant_id,
        {{ sap_date('edatu') }} as promised_date,
        coalesce(abgru, '') <> '' as is_cancelled,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from renamed
