-- How much quality moves satisfaction: one row per analysis × method (grain = analysis_id × method × stratum).
-- Every comparison has its naive estimate beside an adjusted one, with n and a 95 % interval; exposure
-- always precedes the outcome. Definitions come from seed_impact_config, fixed before looking.
--   late_delivery_csat:  late vs on-time delivery → post-delivery CSAT top-2-box (risk difference);
--                        adjusted = Mantel-Haenszel-weighted difference within customer segments;
--                        plus the dose-response by days late (rate and Wilson interval per bucket).
--   sla_breach_csat:     resolution SLA breached vs met → post-case CSAT top-2-box (risk difference);
--                        adjusted within complaint priority.
--   quality_complaint_churn: a justified quality complaint in the 3 months before the month → no order in the
--                        next 180 days (customer-months with an order in the month before; right-censored
--                        months excluded);
--                        risk ratio, naive and Mantel-Haenszel within segment. Customer-months of one customer
--                        are not independent, so these intervals are too narrow: read as association.
--   automated_inspection_did: final-inspection defective rate, intervention line vs control line, before vs after
--                        go-live: ratio of ratios (difference-in-differences on the log scale) with a
--                        lot-clustered variance; naive = the intervention line's after/before ratio alone.
-- Labelled "association" unless the design supports a causal reading (DiD with a comparable control line).
with config as (
    select * from {{ ref('seed_impact_config') }}
),

settings as (
    select
        cast(max(case when parameter = 'late_threshold_days' then value end) as integer) as late_threshold_days,
        max(case when parameter = 'intervention_line' then value end) as intervention_line,
        max(case when parameter = 'control_line' then value end) as control_line,
        cast(max(case when parameter = 'intervention_date' then value end) as date) as intervention_date
    from config
),

touchpoints as (
    select * from {{ ref('int_survey_responses_joined_to_touchpoints') }}
),

lots as (
    select * from {{ ref('fct_inspection_lots') }}
),

customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

-- ---------------------------------------------------------------- late delivery → post-delivery CSAT
delivery_units as (
    select
        touchpoints.segment as stratum,
        case when touchpoints.days_late > settings.late_threshold_days then 1 else 0 end as exposed,
        touchpoints.is_csat_satisfied as outcome
    from touchpoints
    cross join settings
    where touchpoints.survey_type = 'post_delivery'
        and touchpoints.days_late is not null
        and touchpoints.is_csat_satisfied is not null
        and touchpoints.delivered_at <= touchpoints.recorded_at
),

sla_units as (
    select
        touchpoints.priority as stratum,
        case when touchpoints.is_resolution_sla_breached then 1 else 0 end as exposed,
        touchpoints.is_csat_satisfied as outcome
    from touchpoints
    where touchpoints.survey_type = 'post_case'
        and touchpoints.is_resolution_sla_breached is not null
        and touchpoints.is_csat_satisfied is not null
        and touchpoints.resolved_at <= touchpoints.recorded_at
),

binary_units as (
    select
        'late_delivery_csat' as analysis_id,
        stratum,
        exposed,
        outcome
    from delivery_units
    union all
    select
        'sla_breach_csat' as analysis_id,
        stratum,
        exposed,
        outcome
    from sla_units
),

strata as (
    select
        analysis_id,
        stratum,
        sum(exposed) as n1,
        sum(1 - exposed) as n0,
        sum(exposed * outcome) as y1,
        sum((1 - exposed) * outcome) as y0
    from binary_units
    group by analysis_id, stratum
),

strata_rates as (
    select
        *,
        case when n1 > 0 and n0 > 0 then n1 * n0 * 1.0 / (n1 + n0) else 0 end as mh_weight,
        case when n1 > 0 then y1 * 1.0 / n1 end as p1,
        case when n0 > 0 then y0 * 1.0 / n0 end as p0
    from strata
),

naive_risk_difference as (
    select
        analysis_id,
        'naive' as method,
        'none' as adjusted_for,
        sum(n1) as n_exposed,
        sum(n0) as n_unexposed,
        sum(y1) * 1.0 / nullif(sum(n1), 0) as rate_exposed,
        sum(y0) * 1.0 / nullif(sum(n0), 0) as rate_unexposed
    from strata
    group by analysis_id
),

naive_rows as (
    select
        analysis_id,
        method,
        adjusted_for,
        'all' as stratum,
        n_exposed,
        n_unexposed,
        rate_exposed,
        rate_unexposed,
        rate_exposed - rate_unexposed as estimate,
        sqrt(rate_exposed * (1 - rate_exposed) / n_exposed + rate_unexposed * (1 - rate_unexposed) / n_unexposed) as std_error
    from naive_risk_difference
    where n_exposed > 0 and n_unexposed > 0
),

adjusted_rows as (
    select
        analysis_id,
        'mantel_haenszel' as method,
        case when analysis_id = 'late_delivery_csat' then 'customer segment' else 'complaint priority' end as adjusted_for,
        'all' as stratum,
        sum(n1) as n_exposed,
        sum(n0) as n_unexposed,
        sum(y1) * 1.0 / nullif(sum(n1), 0) as rate_exposed,
        sum(y0) * 1.0 / nullif(sum(n0), 0) as rate_unexposed,
        sum(case when mh_weight > 0 then mh_weight * (p1 - p0) else 0 end) / nullif(sum(mh_weight), 0) as estimate,
        sqrt(
            sum(case when mh_weight > 0 then mh_weight * mh_weight * (p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0) else 0 end)
        ) / nullif(sum(mh_weight), 0) as std_error
    from strata_rates
    group by analysis_id
),

-- dose-response: CSAT top-2-box by days-late bucket
dose_units as (
    select
        case
            when touchpoints.days_late <= 0 then '1: on time or early'
            when touchpoints.days_late <= 3 then '2: 1-3 days late'
            when touchpoints.days_late <= 7 then '3: 4-7 days late'
            when touchpoints.days_late <= 14 then '4: 8-14 days late'
            else '5: more than 14 days late'
        end as stratum,
        touchpoints.is_csat_satisfied as outcome
    from touchpoints
    where touchpoints.survey_type = 'post_delivery'
        and touchpoints.days_late is not null
        and touchpoints.is_csat_satisfied is not null
),

dose_rows as (
    select
        'late_delivery_csat' as analysis_id,
        'dose_response' as method,
        'none' as adjusted_for,
        stratum,
        count(*) as n_exposed,
        cast(null as bigint) as n_unexposed,
        sum(outcome) * 1.0 / count(*) as rate_exposed,
        cast(null as {{ type_double() }}) as rate_unexposed,
        sum(outcome) * 1.0 / count(*) as estimate,
        sqrt((sum(outcome) * 1.0 / count(*)) * (1 - sum(outcome) * 1.0 / count(*)) / count(*)) as std_error,
        {{ wilson_low('sum(outcome)', 'count(*)') }} as wilson_low,
        {{ wilson_high('sum(outcome)', 'count(*)') }} as wilson_high
    from dose_units
    group by stratum
),

-- ---------------------------------------------------------------- quality complaint → churn (risk ratio)
-- the outcome is observable only while orders are: the last month with an order anywhere ends the data
-- (deliveries and complaints run on past it)
last_order_month as (
    select max(month_start) as month_start
    from customer_months
    where orders > 0
),

churn_months as (
    select
        customer_months.segment,
        customer_months.quality_complaints_prev_3m,
        case
            when cast({{ dbt.dateadd('month', 5, 'customer_months.month_start') }} as date)
                <= last_order_month.month_start
                then customer_months.churned_next_180d
        end as churned_next_180d,
        lag(customer_months.orders) over (
            partition by customer_months.customer_id order by customer_months.month_start
        ) as orders_prev_month
    from customer_months
    cross join last_order_month
),

-- units: customer-months with an order in the month before (active when the outcome window opens, so a
-- customer who had already left is not counted as a churner); exposure in months m-3..m-1, strictly
-- before the outcome window m..m+5; right-censored months (window past the last month with orders) excluded
churn_units as (
    select
        segment as stratum,
        case when quality_complaints_prev_3m > 0 then 1 else 0 end as exposed,
        case when churned_next_180d then 1 else 0 end as outcome
    from churn_months
    where orders_prev_month > 0 and churned_next_180d is not null
),

churn_strata as (
    select
        stratum,
        sum(exposed) as n1,
        sum(1 - exposed) as n0,
        sum(exposed * outcome) as y1,
        sum((1 - exposed) * outcome) as y0,
        count(*) as n_total
    from churn_units
    group by stratum
),

churn_rows as (
    select
        'quality_complaint_churn' as analysis_id,
        'naive' as method,
        'none' as adjusted_for,
        'all' as stratum,
        sum(n1) as n_exposed,
        sum(n0) as n_unexposed,
        sum(y1) * 1.0 / nullif(sum(n1), 0) as rate_exposed,
        sum(y0) * 1.0 / nullif(sum(n0), 0) as rate_unexposed,
        case when sum(y1) > 0 and sum(y0) > 0
                then ln((sum(y1) * 1.0 / sum(n1)) / (sum(y0) * 1.0 / sum(n0)))
        end as log_estimate,
        case when sum(y1) > 0 and sum(y0) > 0
                then sqrt(1.0 / sum(y1) - 1.0 / sum(n1) + 1.0 / sum(y0) - 1.0 / sum(n0))
        end as log_std_error
    from churn_strata
    union all
    select
        'quality_complaint_churn' as analysis_id,
        'mantel_haenszel' as method,
        'customer segment' as adjusted_for,
        'all' as stratum,
        sum(n1) as n_exposed,
        sum(n0) as n_unexposed,
        sum(y1) * 1.0 / nullif(sum(n1), 0) as rate_exposed,
        sum(y0) * 1.0 / nullif(sum(n0), 0) as rate_unexposed,
        case when sum(y1 * n0 * 1.0 / n_total) > 0 and sum(y0 * n1 * 1.0 / n_total) > 0
                then ln(sum(y1 * n0 * 1.0 / n_total) / sum(y0 * n1 * 1.0 / n_total))
        end as log_estimate,
        -- Greenland-Robins variance of log RR_MH
        sqrt(
            sum((n1 * n0 * (y1 + y0) - y1 * y0 * n_total) * 1.0 / (n_total * n_total))
            / nullif(sum(y1 * n0 * 1.0 / n_total) * sum(y0 * n1 * 1.0 / n_total), 0)
        ) as log_std_error
    from churn_strata
),

-- ---------------------------------------------------------------- automated inspection: difference-in-differences
did_lots as (
    select
        case when lots.line_id = settings.intervention_line then 'treated' else 'control' end as arm,
        case when lots.lot_created_date >= settings.intervention_date then 'post' else 'pre' end as period,
        lots.inspected_qty as n,
        lots.defective_qty as x
    from lots
    cross join settings
    where lots.inspection_stage = 'final'
        and lots.line_id in (settings.intervention_line, settings.control_line)
        and lots.inspected_qty > 0
),

did_cells as (
    select
        arm,
        period,
        count(*) as lots,
        sum(n) as units,
        sum(x) as defectives,
        sum(x) * 1.0 / sum(n) as rate
    from did_lots
    group by arm, period
),

did_cell_variance as (
    -- ratio estimator with lots as clusters: Var(p) = K/(K-1) Σ (x_k − p n_k)² / (Σ n_k)²; Var(log p) = Var(p) / p²
    select
        did_cells.arm,
        did_cells.period,
        did_cells.lots,
        did_cells.units,
        did_cells.defectives,
        did_cells.rate,
        did_cells.lots * 1.0 / (did_cells.lots - 1)
        * sum((did_lots.x - did_cells.rate * did_lots.n) * (did_lots.x - did_cells.rate * did_lots.n))
        / (did_cells.units * did_cells.units) / (did_cells.rate * did_cells.rate) as var_log_rate
    from did_cells
    inner join did_lots on did_cells.arm = did_lots.arm and did_cells.period = did_lots.period
    where did_cells.lots > 1 and did_cells.rate > 0
    group by did_cells.arm, did_cells.period, did_cells.lots, did_cells.units, did_cells.defectives, did_cells.rate
),

did_wide as (
    select
        max(case when arm = 'treated' and period = 'pre' then rate end) as t_pre,
        max(case when arm = 'treated' and period = 'post' then rate end) as t_post,
        max(case when arm = 'control' and period = 'pre' then rate end) as c_pre,
        max(case when arm = 'control' and period = 'post' then rate end) as c_post,
        max(case when arm = 'treated' and period = 'pre' then var_log_rate end) as v_t_pre,
        max(case when arm = 'treated' and period = 'post' then var_log_rate end) as v_t_post,
        max(case when arm = 'control' and period = 'pre' then var_log_rate end) as v_c_pre,
        max(case when arm = 'control' and period = 'post' then var_log_rate end) as v_c_post,
        sum(case when arm = 'treated' then units else 0 end) as treated_units,
        sum(case when arm = 'control' then units else 0 end) as control_units
    from did_cell_variance
),

did_rows as (
    select
        'automated_inspection_did' as analysis_id,
        'difference_in_differences' as method,
        'control line, common trend' as adjusted_for,
        'all' as stratum,
        cast(treated_units as bigint) as n_exposed,
        cast(control_units as bigint) as n_unexposed,
        t_post / t_pre as rate_exposed,
        c_post / c_pre as rate_unexposed,
        ln(t_post / t_pre) - ln(c_post / c_pre) as log_estimate,
        sqrt(v_t_pre + v_t_post + v_c_pre + v_c_post) as log_std_error
    from did_wide
    union all
    select
        'automated_inspection_did' as analysis_id,
        'naive' as method,
        'none (before vs after on the intervention line)' as adjusted_for,
        'all' as stratum,
        cast(treated_units as bigint) as n_exposed,
        cast(null as bigint) as n_unexposed,
        t_post / t_pre as rate_exposed,
        cast(null as {{ type_double() }}) as rate_unexposed,
        ln(t_post / t_pre) as log_estimate,
        sqrt(v_t_pre + v_t_post) as log_std_error
    from did_wide
),

-- ---------------------------------------------------------------- all results
risk_differences as (
    select * from naive_rows
    union all
    select * from adjusted_rows
),

log_scale_ratios as (
    select
        *,
        'rate ratio (std_error on the log scale)' as estimand
    from did_rows
    union all
    select
        *,
        'risk ratio (std_error on the log scale)' as estimand
    from churn_rows
),

results as (
    select
        analysis_id,
        method,
        adjusted_for,
        stratum,
        n_exposed,
        n_unexposed,
        rate_exposed,
        rate_unexposed,
        estimate,
        std_error,
        estimate - {{ var('z95') }} * std_error as ci_low,
        estimate + {{ var('z95') }} * std_error as ci_high,
        'risk difference (fraction)' as estimand
    from risk_differences
    union all
    select
        analysis_id,
        method,
        adjusted_for,
        stratum,
        n_exposed,
        n_unexposed,
        rate_exposed,
        rate_unexposed,
        estimate,
        std_error,
        wilson_low as ci_low,
        wilson_high as ci_high,
        'top-2-box rate in the bucket (Wilson interval)' as estimand
    from dose_rows
    union all
    select
        analysis_id,
        method,
        adjusted_for,
        stratum,
        n_exposed,
        n_unexposed,
        rate_exposed,
        rate_unexposed,
        exp(log_estimate) as estimate,
        log_std_error as std_error,
        exp(log_estimate - {{ var('z95') }} * log_std_error) as ci_low,
        exp(log_estimate + {{ var('z95') }} * log_std_error) as ci_high,
        estimand
    from log_scale_ratios
),

final as (
    select
        analysis_id,
        case analysis_id
            when 'late_delivery_csat' then 'Do late deliveries lower post-delivery satisfaction?'
            when 'sla_breach_csat' then 'Does a breached resolution SLA lower post-case satisfaction?'
            when 'automated_inspection_did' then 'Did automated inspection lower the defective rate?'
            when 'quality_complaint_churn' then 'Do customers who had a quality problem stop ordering more often?'
        end as question,
        case analysis_id
            when 'late_delivery_csat' then 'delivered after the promised date'
            when 'sla_breach_csat' then 'resolution later than the priority SLA'
            when 'automated_inspection_did' then 'automated final inspection on the intervention line'
            when 'quality_complaint_churn' then 'a justified quality complaint in the 3 months before the month'
        end as exposure,
        case analysis_id
            when 'automated_inspection_did' then 'final-inspection defective rate'
            when 'quality_complaint_churn' then 'no order in the next 180 days (churn)'
            else 'CSAT top-2-box on the survey about that touchpoint'
        end as outcome,
        method,
        adjusted_for,
        stratum,
        estimand,
        cast(estimate as {{ type_double() }}) as estimate,
        cast(std_error as {{ type_double() }}) as std_error,
        cast(ci_low as {{ type_double() }}) as ci_low,
        cast(ci_high as {{ type_double() }}) as ci_high,
        cast(n_exposed as bigint) as n_exposed,
        cast(n_unexposed as bigint) as n_unexposed,
        cast(rate_exposed as {{ type_double() }}) as rate_exposed,
        cast(rate_unexposed as {{ type_double() }}) as rate_unexposed,
        case when method = 'difference_in_differences' then 'causal under parallel trends' else 'association' end
            as interpretation,
        coalesce(n_exposed, 0) < {{ var('small_sample_n') }}
        or (n_unexposed is not null and n_unexposed < {{ var('small_sample_n') }}) as is_small_sample
    from results
)

select * from final
