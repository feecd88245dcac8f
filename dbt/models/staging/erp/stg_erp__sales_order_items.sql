-- Incremental: the items with a version in a load batch not built yet are ranked again over all their versions and
-- replaced (delete+insert on the natural key); a full build ranks every item.
{{
    config(
        materialized='incremental',
        unique_key=['order_id', 'order_line_no'],
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with source as (
    {{ versions_of_keys_in_batches_not_built(source('erp', 'erp_vbap'), ['vbeln', 'posnr']) }}
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
        _batch_id,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from renamed
