with source as (
    select * from {{ source('erp', 'erp_rma') }}
),

ranked as (
    select
        *,
        row_number() over (partition by vbeln, posnr order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        vbeln as rma_id,
        posnr as rma_item,
        nullif(vgbel, '') as delivery_id,
        kunnr as customer_number,
        matnr as product_id,
        nullif(charg, '') as batch_id,
        kwmeng as return_qty,
        augru as return_reason_code,
        nullif(zz_disposition, '') as disposition,
        nullif(zz_crm_case, '') as case_id,
        {{ sap_date('erdat') }} as created_date,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
