-- Supplier quality per month × supplier (grain = month_start × supplier_id), from incoming inspection lots:
-- lot acceptance rate (usage decision accepted / lots decided) and incoming PPM (defective units found in
-- samples per million inspected), each with its numerator, denominator and a Wilson interval.
-- Delivery (OTD/OTIF), SCAR and composite-score columns follow when goods receipts and SCARs are landed.
with lots as (
    select * from {{ ref('fct_inspection_lots') }}
    where inspection_stage = 'incoming'
),

suppliers as (
    select * from {{ ref('dim_supplier') }}
),

aggregated as (
    select
        cast({{ dbt.date_trunc('month', 'lots.lot_created_date') }} as date) as month_start,
        suppliers.supplier_id,
        suppliers.supplier_name,
        count(*) as lots_inspected,
        sum(case when lots.has_usage_decision then 1 else 0 end) as lots_decided,
        sum(case when lots.is_accepted then 1 else 0 end) as lots_accepted,
        sum(lots.inspected_qty) as inspected_units,
        sum(lots.defective_qty) as defective_units,
        sum(lots.lot_qty) as received_units
    from lots
    inner join suppliers on lots.supplier_key = suppliers.supplier_key
    group by
        cast({{ dbt.date_trunc('month', 'lots.lot_created_date') }} as date),
        suppliers.supplier_id,
        suppliers.supplier_name
),

final as (
    select
        month_start,
        supplier_id,
        supplier_name,
        cast(lots_inspected as bigint) as lots_inspected,
        cast(lots_decided as bigint) as lots_decided,
        cast(lots_accepted as bigint) as lots_accepted,
        cast({{ safe_ratio('lots_accepted', 'lots_decided') }} as {{ type_double() }}) as lot_acceptance_rate,
        cast({{ wilson_low('lots_accepted', 'lots_decided') }} as {{ type_double() }}) as lot_acceptance_ci_low,
        cast({{ wilson_high('lots_accepted', 'lots_decided') }} as {{ type_double() }}) as lot_acceptance_ci_high,
        cast(received_units as {{ type_double() }}) as received_units,
        cast(inspected_units as {{ type_double() }}) as inspected_units,
        cast(defective_units as {{ type_double() }}) as defective_units,
        cast(1000000.0 * {{ safe_ratio('defective_units', 'inspected_units') }} as {{ type_double() }}) as incoming_ppm,
        cast(1000000.0 * {{ wilson_low('defective_units', 'inspected_units') }} as {{ type_double() }}) as incoming_ppm_ci_low,
        cast(1000000.0 * {{ wilson_high('defective_units', 'inspected_units') }} as {{ type_double() }}) as incoming_ppm_ci_high,
        lots_decided < 5 as is_small_sample
    from aggregated
)

select * from final
