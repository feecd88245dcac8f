-- Suppliers ranked over the whole history (grain = supplier_id): the scorecard's counts summed over every month,
-- then the rates, scores and composite (ratio of sums, never an average of monthly scores), grade and rank
-- (1 = best). Weights and bands: seed_supplier_scorecard_config.
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

summed as (
    select
        supplier_id,
        min(month_start) as first_month,
        max(month_start) as last_month,
        sum(lots_decided) as lots_decided,
        sum(lots_accepted) as lots_accepted,
        sum(inspected_units) as inspected_units,
        sum(defective_units) as defective_units,
        sum(receipt_lines) as receipt_lines,
        sum(receipt_lines_with_promise) as receipt_lines_with_promise,
        sum(on_time_lines) as on_time_lines,
        sum(otif_lines) as otif_lines,
        sum(scars_issued) as scars_issued,
        sum(scars_due) as scars_due,
        sum(scars_answered_on_time) as scars_answered_on_time,
        sum(scars_closed) as scars_closed,
        sum(scar_response_days) as scar_response_days
    from performance
    group by supplier_id
),

scored as (
    select
        summed.*,
        suppliers.supplier_name,
        {{ supplier_quality_score('summed.defective_units', 'summed.inspected_units') }} as quality_score,
        {{ supplier_delivery_score('summed.otif_lines', 'summed.receipt_lines') }} as delivery_score,
        {{ supplier_responsiveness_score('summed.scars_answered_on_time', 'summed.scars_due') }} as responsiveness_score
    from summed
    cross join config
    left join suppliers on summed.supplier_id = suppliers.supplier_id
),

composite as (
    select
        scored.*,
        {{ supplier_composite_score('scored.quality_score', 'scored.delivery_score', 'scored.responsiveness_score') }} as composite_score
    from scored
    cross join config
),

final as (
    select
        composite.supplier_id,
        composite.supplier_name,
        composite.first_month,
        composite.last_month,
        cast(composite.lots_decided as bigint) as lots_decided,
        cast(composite.lots_accepted as bigint) as lots_accepted,
        cast({{ safe_ratio('composite.lots_accepted', 'composite.lots_decided') }} as {{ type_double() }}) as lot_acceptance_rate,
        cast(composite.inspected_units as {{ type_double() }}) as inspected_units,
        cast(composite.defective_units as {{ type_double() }}) as defective_units,
        cast(1000000.0 * {{ safe_ratio('composite.defective_units', 'composite.inspected_units') }} as {{ type_double() }}) as incoming_ppm,
        cast(1000000.0 * {{ wilson_low('composite.defective_units', 'composite.inspected_units') }} as {{ type_double() }})
            as incoming_ppm_ci_low,
        cast(1000000.0 * {{ wilson_high('composite.defective_units', 'composite.inspected_units') }} as {{ type_double() }})
            as incoming_ppm_ci_high,
        cast(composite.receipt_lines as bigint) as receipt_lines,
        cast({{ safe_ratio('composite.on_time_lines', 'composite.receipt_lines_with_promise') }} as {{ type_double() }}) as otd_rate,
        cast({{ safe_ratio('composite.otif_lines', 'composite.receipt_lines') }} as {{ type_double() }}) as otif_rate,
        cast({{ wilson_low('composite.otif_lines', 'composite.receipt_lines') }} as {{ type_double() }}) as otif_ci_low,
        cast({{ wilson_high('composite.otif_lines', 'composite.receipt_lines') }} as {{ type_double() }}) as otif_ci_high,
        cast(composite.scars_issued as bigint) as scars_issued,
        cast(composite.scars_due as bigint) as scars_due,
        cast(composite.scars_answered_on_time as bigint) as scars_answered_on_time,
        cast({{ safe_ratio('composite.scar_response_days', 'composite.scars_closed') }} as {{ type_double() }})
            as mean_scar_response_days,
        cast(composite.quality_score as {{ type_double() }}) as quality_score,
        cast(composite.delivery_score as {{ type_double() }}) as delivery_score,
        cast(composite.responsiveness_score as {{ type_double() }}) as responsiveness_score,
        cast(composite.composite_score as {{ type_double() }}) as composite_score,
        {{ supplier_grade('composite.composite_score') }} as grade,
        cast(rank() over (order by composite.composite_score desc) as bigint) as composite_rank_best_first,
        composite.receipt_lines < {{ var('small_sample_n') }} as is_small_sample
    from composite
    cross join config
)

select * from final
