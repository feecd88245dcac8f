-- One row per goods-receipt line against a PO line (grain = material_document_id × material_document_item,
-- SAP MSEG movement 101) with its incoming inspection result and delivery performance against the PO
-- schedule line: on time = received within the window around the promised date (seed_supplier_scorecard_config,
-- default −3/+0 days), in full = received ≥ ordered × (1 − tolerance), OTIF = both.
with receipts as (
    select * from {{ ref('stg_erp__goods_receipts') }}
),

config as (
    select
        max(case when parameter = 'otd_days_early' then value end) as otd_days_early,
        max(case when parameter = 'otd_days_late' then value end) as otd_days_late,
        max(case when parameter = 'otif_qty_tolerance' then value end) as otif_qty_tolerance
    from {{ ref('seed_supplier_scorecard_config') }}
),

suppliers as (
    select * from {{ ref('dim_supplier') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

lots as (
    select * from {{ ref('fct_inspection_lots') }}
),

joined as (
    select
        {{ surrogate_key(['receipts.material_document_id', 'receipts.material_document_item']) }} as receipt_key,
        receipts.material_document_id,
        receipts.material_document_item,
        receipts.purchase_order_id,
        receipts.purchase_order_item,
        coalesce(suppliers.supplier_key, '-1') as supplier_key,
        coalesce(products.product_key, '-1') as product_key,
        coalesce(lots.inspection_lot_key, '-1') as inspection_lot_key,
        receipts.supplier_id,
        receipts.plant_id,
        receipts.batch_id,
        receipts.inspection_lot_id,
        receipts.received_date,
        receipts.promised_date,
        cast(receipts.received_qty as {{ type_double() }}) as received_qty,
        cast(coalesce(receipts.ordered_qty, receipts.received_qty) as {{ type_double() }}) as ordered_qty,
        cast(receipts.accepted_qty as {{ type_double() }}) as accepted_qty,
        cast(receipts.rejected_qty as {{ type_double() }}) as rejected_qty,
        lots.usage_decision_valuation as inspection_valuation,
        coalesce(receipts.rejected_qty, 0) > 0 as has_rejection,
        case
            when receipts.promised_date is not null
                then cast({{ days_between('receipts.promised_date', 'receipts.received_date') }} as integer)
        end as days_late,
        config.otd_days_early,
        config.otd_days_late,
        receipts.received_qty >= coalesce(receipts.ordered_qty, receipts.received_qty) * (1 - config.otif_qty_tolerance)
            as is_in_full
    from receipts
    cross join config
    left join suppliers
        on receipts.supplier_id = suppliers.supplier_id
            and receipts.received_date >= suppliers.valid_from
            and receipts.received_date < suppliers.valid_to
    left join products
        on receipts.product_id = products.product_id
            and receipts.received_date >= products.valid_from
            and receipts.received_date < products.valid_to
    left join lots on receipts.inspection_lot_id = lots.inspection_lot_id
),

final as (
    select
        receipt_key,
        material_document_id,
        material_document_item,
        purchase_order_id,
        purchase_order_item,
        supplier_key,
        product_key,
        inspection_lot_key,
        supplier_id,
        plant_id,
        batch_id,
        inspection_lot_id,
        received_date,
        promised_date,
        received_qty,
        ordered_qty,
        accepted_qty,
        rejected_qty,
        inspection_valuation,
        has_rejection,
        days_late,
        days_late >= -otd_days_early and days_late <= otd_days_late as is_on_time,
        is_in_full,
        days_late >= -otd_days_early and days_late <= otd_days_late and is_in_full as is_otif
    from joined
)

select * from final
