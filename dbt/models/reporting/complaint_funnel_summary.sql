-- The complaint funnel per month received × channel, with channel = 'All' for every channel (so no
-- reader has to add rows up): counts reaching each milestone, median and p90 resolution
-- time, resolution SLA breaches (Wilson interval) and reopens. Same definitions as complaint_funnel.
with complaints as (
    select * from {{ ref('fct_complaints') }}
),

dated as (
    select
        cast({{ dbt.date_trunc('month', 'received_date') }} as date) as month_start,
        channel_code,
        classified_at,
        analysed_at,
        resolved_at,
        customer_notified_at,
        first_closed_at,
        is_justified,
        is_resolution_sla_breached,
        is_reopened,
        hours_to_resolve,
        bmin_to_resolve
    from complaints
),

funnel as (
    select
        month_start,
        -- one grouping set per channel and one over all channels
        case when grouping(channel_code) = 1 then 'All' else channel_code end as channel_code,
        {{ complaint_milestone_counts() }},
        cast(percentile_cont(0.5) within group (order by hours_to_resolve) as {{ type_double() }}) as resolve_hours_median,
        cast(percentile_cont(0.9) within group (order by hours_to_resolve) as {{ type_double() }}) as resolve_hours_p90,
        cast(percentile_cont(0.5) within group (order by bmin_to_resolve) / 60.0 as {{ type_double() }}) as resolve_business_hours_median
    from dated
    group by month_start, rollup(channel_code)
),

rates as (
    select
        *,
        cast({{ safe_ratio('classified', 'received') }} as {{ type_double() }}) as classified_rate,
        cast({{ safe_ratio('handled', 'received') }} as {{ type_double() }}) as handled_rate,
        cast({{ safe_ratio('notified', 'handled') }} as {{ type_double() }}) as notified_of_handled_rate,
        cast({{ safe_ratio('sla_breached', 'sla_applicable') }} as {{ type_double() }}) as sla_breach_rate,
        cast({{ wilson_low('sla_breached', 'sla_applicable') }} as {{ type_double() }}) as sla_breach_ci_low,
        cast({{ wilson_high('sla_breached', 'sla_applicable') }} as {{ type_double() }}) as sla_breach_ci_high,
        cast({{ safe_ratio('reopened', 'closed') }} as {{ type_double() }}) as reopen_rate,
        sla_applicable < {{ var('small_sample_n') }} as is_small_sample
    from funnel
)

select * from rates
