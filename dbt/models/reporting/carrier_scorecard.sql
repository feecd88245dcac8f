-- Carrier scorecard per delivery month × carrier over all lanes, with carrier_scac = 'All' for every
-- carrier (so no reader has to add rows up): OTD and OTIF (line level, promised date,
-- tolerance 0 days) with Wilson intervals, lateness and exceptions: the macros delivery_measures and
-- delivery_rates, shared with delivery_performance.
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

aggregated as (
    select
        month_start,
        -- one grouping set per carrier and one over all carriers
        case when grouping(carrier_scac) = 1 then 'All' else carrier_scac end as carrier_scac,
        case when grouping(carrier_scac) = 1 then 'All carriers' else carrier_name end as carrier_name,
        {{ delivery_measures() }}
    from delivered
    group by month_start, rollup((carrier_scac, carrier_name))
),

rates as (
    select
        *,
        {{ delivery_rates() }}
    from aggregated
)

select * from rates
