-- Incremental: the orders with a version in a load batch not built yet are ranked again over all their versions and
-- replaced (delete+insert on the natural key); a full build ranks every order.
{{
    config(
        materialized='incremental',
        unique_key='order_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with source as (
    {{ versions_of_keys_in_batches_not_built(source('erp', 'erp_vbak'), ['vbeln']) }}
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
        _batch_id,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from renamed
