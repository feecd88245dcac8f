-- One row per defect item recorded on an inspection lot (grain = inspection_lot_id × defect_item, SAP QMFE),
-- with the defect code, its class and the lot's stage, product, supplier, line and batch.
with defects as (
    select * from {{ ref('stg_erp__inspection_defects') }}
),

lots as (
    select * from {{ ref('fct_inspection_lots') }}
),

codes as (
    select * from {{ ref('dim_defect_code') }}
),

lines as (
    select * from {{ ref('dim_production_line') }}
),

batches as (
    select * from {{ ref('dim_batch') }}
),

joined as (
    select
        {{ surrogate_key(['defects.inspection_lot_id', 'defects.defect_item']) }} as defect_key,
        defects.inspection_lot_id,
        defects.defect_item,
        coalesce(lots.inspection_lot_key, '-1') as inspection_lot_key,
        coalesce(codes.defect_code_key, '-1') as defect_code_key,
        coalesce(lots.product_key, '-1') as product_key,
        coalesce(lots.supplier_key, '-1') as supplier_key,
        coalesce(lines.line_key, '-1') as line_key,
        coalesce(batches.batch_key, '-1') as batch_key,
        defects.notification_id,
        defects.defect_code_group,
        defects.defect_code,
        defects.defect_class,
        coalesce(lots.inspection_stage, 'unknown') as inspection_stage,
        lots.plant_id,
        coalesce(lots.inspection_end_date, lots.lot_created_date, defects.changed_date) as detected_date,
        cast(defects.defect_count as bigint) as defect_count
    from defects
    left join lots on defects.inspection_lot_id = lots.inspection_lot_id
    left join codes
        on defects.defect_code_group = codes.code_group
            and defects.defect_code = codes.code
    left join lines on lots.line_id = lines.line_id
    left join batches on lots.batch_id = batches.batch_id
)

select * from joined
