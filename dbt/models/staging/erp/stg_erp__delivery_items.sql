-- Incremental: the items with a version in a load batch not built yet are ranked again over all their versions and
-- replaced (delete+insert on the natural key); a full build ranks every item.
{{
    config(
        materialized='incremental',
        unique_key=['delivery_id', 'delivery_line_no'],
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with source as (
    {{ versions_of_keys_in_batches_not_built(source('erp', 'erp_lips'), ['vbeln', 'posnr']) }}
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
        bolnr as tracking_number,
        _batch_id,
        _loaded_at
    from ranked
    where version_rank = 1
)

select * from renamed
