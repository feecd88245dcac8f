with source as (
    select * from {{ source('erp', 'erp_mch1') }}
),

ranked as (
    select
        *,
        row_number() over (partition by matnr, charg order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        matnr as product_id,
        charg as batch_id,
        nullif(werks, '') as plant_id,
        nullif(zz_arbpl, '') as line_id,
        {{ sap_date('hsdat') }} as production_date,
        nullif(zz_recall_status, '') as recall_status,
        {{ sap_date('zz_recall_date') }} as recall_date,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
