-- Carrier scorecard per delivery month × carrier over all lanes, with carrier_scac = 'All' for every
-- carrier (so no reader has to add rows up): OTD and OTIF (line level, promised date,
-- tolerance 0 days) with Wilson intervals, lateness and exceptions. Same definitions as delivery_performance.
with shipments as (
    select * from {{ ref('fct_shipments') }}
),

carriers as (
    select * from {{ ref('dim_carrier') }}
),

delivered as (
    select
        cast({{ dbt.date_trunc('month', 'shipments.delivered_date') }} as date) as month_start,
        coalesce(carriers.carrier_scac, '-1') as carrier_scac,
        coalesce(carriers.carrier_name, 'Unknown') as carrier_name,
        shipments.is_on_time,
        shipments.is_otif,
        shipments.days_late,
        shipments.exception_count,
        shipments.failed_attempt_count
    from shipments
    left join carriers on shipments.carrier_scac = carriers.carrier_scac
    where shipments.is_delivered
),

-- every line once under its own carrier and once under 'All', so one group by makes both
expanded as (
    select * from delivered
    union all
    select
        month_start,
        'All' as carrier_scac,
        'All carriers' as carrier_name,
        is_on_time,
        is_otif,
        days_late,
        exception_count,
        failed_attempt_count
    from delivered
),

aggregated as (
    select
        month_start,
        carrier_scac,
        carrier_name,
        count(*) as delivered_lines,
        cast(sum(case when is_on_time then 1 else 0 end) as bigint) as on_time_lines,
        cast(sum(case when is_otif then 1 else 0 end) as bigint) as otif_lines,
        cast(sum(case when exception_count > 0 then 1 else 0 end) as bigint) as lines_with_exception,
        cast(sum(failed_attempt_count) as bigint) as failed_attempts,
        cast(avg(days_late * 1.0) as {{ type_double() }}) as days_late_mean,
        cast(percentile_cont(0.5) within group (order by days_late) as {{ type_double() }}) as days_late_median,
        cast(percentile_cont(0.9) within group (order by days_late) as {{ type_double() }}) as days_late_p90
    from expanded
    group by month_start, carrier_scac, carrier_name
),

rates as (
    select
        *,
        cast({{ safe_ratio('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_rate,
        cast({{ wilson_low('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_ci_low,
        cast({{ wilson_high('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_ci_high,
        cast({{ safe_ratio('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_rate,
        cast({{ wilson_low('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_ci_low,
        cast({{ wilson_high('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_ci_high,
        cast({{ safe_ratio('lines_with_exception', 'delivered_lines') }} as {{ type_double() }}) as exception_rate,
        delivered_lines < {{ var('small_sample_n') }} as is_small_sample
    from aggregated
)

select * from rates
