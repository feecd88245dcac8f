-- One row per measured characteristic value (grain = inspection_lot_id × characteristic_id × subgroup_id ×
-- result_no, SAP QASE single results). Spec limits come from the product version in force on the
-- measurement date, so a spec change applies from its date on; is_within_spec is judged against them.
-- subgroup_key groups the values measured together (one sample of one lot): the rational subgroup of
-- the x-bar/R chart and of the within-subgroup sigma.
with measurements as (
    select * from {{ ref('stg_erp__inspection_measurements') }}
),

lot_sources as (
    select * from {{ ref('stg_erp__inspection_lots') }}
),

lots as (
    select * from {{ ref('fct_inspection_lots') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

lines as (
    select * from {{ ref('dim_production_line') }}
),

batches as (
    select * from {{ ref('dim_batch') }}
),

joined as (
    select
        {{ surrogate_key(['measurements.inspection_lot_id', 'measurements.characteristic_id', 'measurements.subgroup_id', 'measurements.result_no']) }}
            as measurement_key,
        {{ surrogate_key(['measurements.inspection_lot_id', 'measurements.characteristic_id', 'measurements.subgroup_id']) }}
            as subgroup_key,
        measurements.inspection_lot_id,
        measurements.characteristic_id,
        coalesce(measurements.characteristic_name, measurements.characteristic_id) as characteristic_name,
        measurements.subgroup_id,
        measurements.result_no,
        coalesce(lots.inspection_lot_key, '-1') as inspection_lot_key,
        coalesce(products.product_key, '-1') as product_key,
        coalesce(lines.line_key, '-1') as line_key,
        coalesce(batches.batch_key, '-1') as batch_key,
        lot_sources.product_id,
        lot_sources.line_id,
        lot_sources.plant_id,
        coalesce(lots.inspection_stage, 'unknown') as inspection_stage,
        coalesce(measurements.measured_date, lots.inspection_end_date, lots.lot_created_date) as measured_date,
        cast(measurements.measured_value as {{ type_double() }}) as measured_value,
        cast(products.spec_lsl as {{ type_double() }}) as spec_lsl,
        cast(products.spec_target as {{ type_double() }}) as spec_target,
        cast(products.spec_usl as {{ type_double() }}) as spec_usl,
        case
            when measurements.measured_value is null then null
            when products.spec_lsl is null and products.spec_usl is null then null
            else
                (products.spec_lsl is null or measurements.measured_value >= products.spec_lsl)
                and (products.spec_usl is null or measurements.measured_value <= products.spec_usl)
        end as is_within_spec,
        measurements.valuation
    from measurements
    left join lot_sources on measurements.inspection_lot_id = lot_sources.inspection_lot_id
    left join lots on measurements.inspection_lot_id = lots.inspection_lot_id
    left join products
        on lot_sources.product_id = products.product_id
            and coalesce(measurements.measured_date, lot_sources.lot_created_date) >= products.valid_from
            and coalesce(measurements.measured_date, lot_sources.lot_created_date) < products.valid_to
    left join lines on lot_sources.line_id = lines.line_id
    left join batches on lot_sources.batch_id = batches.batch_id
)

select * from joined
