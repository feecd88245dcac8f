-- One row per inspection lot (stage incoming / in-process / final), with sample, defective and decision.
with lots as (
    select * from {{ ref('stg_erp__inspection_lots') }}
),

types as (
    select * from {{ ref('seed_inspection_types') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

suppliers as (
    select * from {{ ref('dim_supplier') }}
),

joined as (
    select
        {{ surrogate_key(['lots.inspection_lot_id']) }} as inspection_lot_key,
        lots.inspection_lot_id,
        coalesce(products.product_key, '-1') as product_key,
        case
            when lots.supplier_id is null then '-3'
            else coalesce(suppliers.supplier_key, '-1')
        end as supplier_key,
        lots.inspection_type_code,
        coalesce(types.inspection_stage, 'unknown') as inspection_stage,
        lots.plant_id,
        lots.line_id,
        lots.batch_id,
        lots.supplier_id,
        lots.lot_created_date,
        lots.inspection_start_date,
        lots.inspection_end_date,
        lots.usage_decision_date,
        lots.lot_qty,
        lots.sample_qty,
        lots.inspected_qty,
        lots.defective_qty,
        lots.defect_count,
        lots.usage_decision_valuation,
        lots.usage_decision_valuation = 'A' as is_accepted,
        lots.usage_decision_date is not null as has_usage_decision
    from lots
    left join types on lots.inspection_type_code = types.inspection_type_code
    left join products
        on lots.product_id = products.product_id
            and lots.lot_created_date >= products.valid_from
            and lots.lot_created_date < products.valid_to
    left join suppliers
        on lots.supplier_id = suppliers.supplier_id
            and lots.lot_created_date >= suppliers.valid_from
            and lots.lot_created_date < suppliers.valid_to
)

select * from joined
