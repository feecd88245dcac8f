-- The supplier scorecard per month × supplier (grain = month_start × supplier_id), quality-domain.md §1.8:
-- incoming quality (lot acceptance rate, incoming PPM), delivery against the PO (OTD within the seeded window,
-- OTIF), SCARs (issued, open at month end, answered within target, mean response days), each rate with its
-- numerator, denominator and a Wilson interval; and the composite score (weights in
-- seed_supplier_scorecard_config) with its grade. reporting.supplier_ranking ranks the whole period.
with performance as (
    select * from {{ ref('int_supplier_performance_summed_by_month') }}
),

suppliers as (
    select * from {{ ref('dim_supplier') }}
    where is_current
),

config as (
    {{ supplier_scorecard_config_row() }}
),

scored as (
    select
        performance.*,
        suppliers.supplier_name,
        {{ supplier_quality_score('performance.defective_units', 'performance.inspected_units') }} as quality_score,
        {{ supplier_delivery_score('performance.otif_lines', 'performance.receipt_lines') }} as delivery_score,
        {{ supplier_responsiveness_score('performance.scars_answered_on_time', 'performance.scars_due') }} as responsiveness_score
    from performance
    cross join config
    left join suppliers on performance.supplier_id = suppliers.supplier_id
),

composite as (
    select
        scored.*,
        {{ supplier_composite_score('quality_score', 'delivery_score', 'responsiveness_score') }} as composite_score
    from scored
    cross join config
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
        lots_decided < 5 as is_small_sample,
        cast(receipt_lines as bigint) as receipt_lines,
        cast(on_time_lines as bigint) as on_time_lines,
        cast({{ safe_ratio('on_time_lines', 'receipt_lines_with_promise') }} as {{ type_double() }}) as otd_rate,
        cast({{ wilson_low('on_time_lines', 'receipt_lines_with_promise') }} as {{ type_double() }}) as otd_ci_low,
        cast({{ wilson_high('on_time_lines', 'receipt_lines_with_promise') }} as {{ type_double() }}) as otd_ci_high,
        cast(in_full_lines as bigint) as in_full_lines,
        cast(otif_lines as bigint) as otif_lines,
        cast({{ safe_ratio('otif_lines', 'receipt_lines') }} as {{ type_double() }}) as otif_rate,
        cast({{ wilson_low('otif_lines', 'receipt_lines') }} as {{ type_double() }}) as otif_ci_low,
        cast({{ wilson_high('otif_lines', 'receipt_lines') }} as {{ type_double() }}) as otif_ci_high,
        receipt_lines < 5 as is_small_delivery_sample,
        cast(scars_issued as bigint) as scars_issued,
        cast(scars_open_eom as bigint) as scars_open_eom,
        cast(scars_due as bigint) as scars_due,
        cast(scars_answered_on_time as bigint) as scars_answered_on_time,
        cast(scars_closed as bigint) as scars_closed,
        cast({{ safe_ratio('scar_response_days', 'scars_closed') }} as {{ type_double() }}) as mean_scar_response_days,
        cast(quality_score as {{ type_double() }}) as quality_score,
        cast(delivery_score as {{ type_double() }}) as delivery_score,
        cast(responsiveness_score as {{ type_double() }}) as responsiveness_score,
        cast(composite_score as {{ type_double() }}) as composite_score,
        {{ supplier_grade('composite.composite_score') }} as grade
    from composite
    cross join config
)

select * from final
