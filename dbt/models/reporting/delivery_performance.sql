-- Delivery performance per delivery month × carrier × lane (shipping plant → customer region):
-- OTD and OTIF (line level, promised date, tolerance 0 days) with Wilson intervals, lateness
-- distribution and carrier exceptions. Undelivered lines are not in the delivered denominator.
with shipments as (
    select * from {{ ref('fct_shipments') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

carriers as (
    select * from {{ ref('dim_carrier') }}
),

delivered as (
    select
        cast({{ dbt.date_trunc('month', 'shipments.delivered_date') }} as date) as month_start,
        coalesce(carriers.carrier_scac, '-1') as carrier_scac,
        coalesce(carriers.carrier_name, 'Unknown') as carrier_name,
        shipments.plant_id as origin_plant_id,
        customers.region as destination_region,
        shipments.is_on_time,
        shipments.is_otif,
        shipments.days_late,
        shipments.exception_count,
        shipments.failed_attempt_count
    from shipments
    inner join customers on shipments.customer_key = customers.customer_key
    left join carriers on shipments.carrier_scac = carriers.carrier_scac
    where shipments.is_delivered
),

aggregated as (
    select
        month_start,
        carrier_scac,
        carrier_name,
        origin_plant_id,
        destination_region,
        count(*) as delivered_lines,
        cast(sum(case when is_on_time then 1 else 0 end) as bigint) as on_time_lines,
        cast(sum(case when is_otif then 1 else 0 end) as bigint) as otif_lines,
        cast(sum(case when exception_count > 0 then 1 else 0 end) as bigint) as lines_with_exception,
        cast(sum(failed_attempt_count) as bigint) as failed_attempts,
        cast(avg(days_late * 1.0) as {{ type_double() }}) as days_late_mean,
        cast(percentile_cont(0.5) within group (order by days_late) as {{ type_double() }}) as days_late_median,
        cast(percentile_cont(0.9) within group (order by days_late) as {{ type_double() }}) as days_late_p90
    from delivered
    group by month_start, carrier_scac, carrier_name, origin_plant_id, destination_region
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
