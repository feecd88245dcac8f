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
        {{ delivery_measures() }}
    from delivered
    group by month_start, carrier_scac, carrier_name, origin_plant_id, destination_region
),

rates as (
    select
        *,
        {{ delivery_rates() }}
    from aggregated
)

select * from rates
