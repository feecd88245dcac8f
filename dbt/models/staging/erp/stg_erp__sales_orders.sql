with source as (
    select * from {{ source('erp', 'erp_vbak') }}
),

ranked as (
    select
        *,
        row_number() over (partition by vbeln order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        vbeln as order_id,
        kunnr as customer_id,
        {{ sap_date('erdat') }} as order_date,
        vtweg as sales_channel_code,
        waerk as currency,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from renamed
