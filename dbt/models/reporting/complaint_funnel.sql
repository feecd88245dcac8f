-- The complaint process per month received × channel × category (l1) × priority: how many complaints
-- reached each milestone (receive → classify → analyse → handle → notify → close), median and p90 stage
-- durations in calendar hours and business hours, first response and resolution time (calendar hours and
-- business minutes, median and p90), first-contact resolution (FCR), SLA breaches (first response,
-- resolution, any) and reopens; every rate with its numerator, denominator and a Wilson interval.
with complaints as (
    select * from {{ ref('fct_complaints') }}
),

dated as (
    select
        cast({{ dbt.date_trunc('month', 'received_date') }} as date) as month_start,
        *
    from complaints
),

funnel as (
    select
        month_start,
        channel_code,
        category_l1,
        priority,
        {{ complaint_milestone_counts() }},
        cast(sum(case when first_response_at is not null then 1 else 0 end) as bigint) as first_responded,
        cast(sum(case when is_first_response_sla_breached then 1 else 0 end) as bigint) as first_response_sla_breached,
        cast(sum(case when is_first_response_sla_breached is not null then 1 else 0 end) as bigint)
            as first_response_sla_applicable,
        cast(sum(case when is_first_response_sla_breached or is_resolution_sla_breached then 1 else 0 end) as bigint)
            as any_sla_breached,
        cast(
            sum(case when is_first_response_sla_breached is not null or is_resolution_sla_breached is not null then 1 else 0 end)
            as bigint
        ) as any_sla_applicable,
        cast(sum(case when is_fcr then 1 else 0 end) as bigint) as fcr_resolved,
        cast(percentile_cont(0.5) within group (order by hours_to_first_response) as {{ type_double() }})
            as first_response_hours_median,
        cast(percentile_cont(0.9) within group (order by hours_to_first_response) as {{ type_double() }})
            as first_response_hours_p90,
        cast(percentile_cont(0.5) within group (order by bmin_to_first_response) as {{ type_double() }})
            as first_response_business_minutes_median,
        cast(percentile_cont(0.9) within group (order by bmin_to_first_response) as {{ type_double() }})
            as first_response_business_minutes_p90,
        cast(percentile_cont(0.5) within group (order by bmin_to_resolve) as {{ type_double() }})
            as resolve_business_minutes_median,
        cast(percentile_cont(0.9) within group (order by bmin_to_resolve) as {{ type_double() }})
            as resolve_business_minutes_p90,
        cast(percentile_cont(0.5) within group (order by hours_classify_to_analyse) as {{ type_double() }})
            as analyse_hours_median,
        cast(percentile_cont(0.5) within group (order by hours_analyse_to_resolve) as {{ type_double() }})
            as handle_hours_median,
        cast(percentile_cont(0.5) within group (order by bmin_to_classify) / 60.0 as {{ type_double() }})
            as classify_business_hours_median,
        cast(percentile_cont(0.5) within group (order by bmin_classify_to_analyse) / 60.0 as {{ type_double() }})
            as analyse_business_hours_median,
        cast(percentile_cont(0.5) within group (order by bmin_analyse_to_resolve) / 60.0 as {{ type_double() }})
            as handle_business_hours_median,
        cast(percentile_cont(0.5) within group (order by bmin_resolve_to_notify) / 60.0 as {{ type_double() }})
            as notify_business_hours_median,
        cast(percentile_cont(0.5) within group (order by hours_to_classify) as {{ type_double() }}) as classify_hours_median,
        cast(percentile_cont(0.5) within group (order by hours_to_resolve) as {{ type_double() }}) as resolve_hours_median,
        cast(percentile_cont(0.9) within group (order by hours_to_resolve) as {{ type_double() }}) as resolve_hours_p90,
        cast(percentile_cont(0.5) within group (order by bmin_to_resolve) / 60.0 as {{ type_double() }}) as resolve_business_hours_median,
        cast(percentile_cont(0.9) within group (order by bmin_to_resolve) / 60.0 as {{ type_double() }}) as resolve_business_hours_p90,
        cast(percentile_cont(0.5) within group (order by hours_resolve_to_notify) as {{ type_double() }}) as notify_hours_median
    from dated
    group by month_start, channel_code, category_l1, priority
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
        sla_applicable < {{ var('small_sample_n') }} as is_small_sample,
        cast({{ safe_ratio('first_response_sla_breached', 'first_response_sla_applicable') }} as {{ type_double() }})
            as first_response_sla_breach_rate,
        cast({{ wilson_low('first_response_sla_breached', 'first_response_sla_applicable') }} as {{ type_double() }})
            as first_response_sla_breach_ci_low,
        cast({{ wilson_high('first_response_sla_breached', 'first_response_sla_applicable') }} as {{ type_double() }})
            as first_response_sla_breach_ci_high,
        cast({{ safe_ratio('any_sla_breached', 'any_sla_applicable') }} as {{ type_double() }}) as any_sla_breach_rate,
        cast({{ wilson_low('any_sla_breached', 'any_sla_applicable') }} as {{ type_double() }}) as any_sla_breach_ci_low,
        cast({{ wilson_high('any_sla_breached', 'any_sla_applicable') }} as {{ type_double() }}) as any_sla_breach_ci_high,
        any_sla_applicable < {{ var('small_sample_n') }} as is_small_sample_any_sla,
        cast({{ safe_ratio('fcr_resolved', 'handled') }} as {{ type_double() }}) as fcr_rate,
        cast({{ wilson_low('fcr_resolved', 'handled') }} as {{ type_double() }}) as fcr_ci_low,
        cast({{ wilson_high('fcr_resolved', 'handled') }} as {{ type_double() }}) as fcr_ci_high,
        handled < {{ var('small_sample_n') }} as is_small_sample_fcr
    from funnel
)

select * from rates
