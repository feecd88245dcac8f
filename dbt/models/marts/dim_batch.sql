-- One row per production batch (grain = batch_id, SAP MCH1) with product, plant, line, production date and
-- recall status (type 1: the recall overwrites the batch); plus '-1' for facts whose batch is unknown.
with batches as (
    select * from {{ ref('stg_erp__batches') }}
),

known as (
    select
        {{ surrogate_key(['batch_id']) }} as batch_key,
        batch_id,
        product_id,
        plant_id,
        line_id,
        production_date,
        recall_date,
        coalesce(recall_status = 'R', false) as is_recalled
    from batches
),

unknown_member as (
    select
        '-1' as batch_key,
        '-1' as batch_id,
        '-1' as product_id,
        cast(null as {{ dbt.type_string() }}) as plant_id,
        cast(null as {{ dbt.type_string() }}) as line_id,
        cast(null as date) as production_date,
        cast(null as date) as recall_date,
        false as is_recalled
),

final as (
    select * from known
    union all
    select * from unknown_member
)

select * from final
