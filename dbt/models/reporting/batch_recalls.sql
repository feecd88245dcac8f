-- The batch recall made visible (grain = batch_id, recalled batches only): what the batch reached (shipment
-- lines, units, customers) and what came back (RMA lines and units by reason, complaints on its deliveries),
-- with the return rate of the recalled units and its Wilson interval.
with batches as (
    select * from {{ ref('dim_batch') }}
    where is_recalled
),

shipments as (
    select * from {{ ref('fct_shipments') }}
),

returns as (
    select * from {{ ref('fct_returns') }}
),

complaints as (
    select * from {{ ref('fct_complaints') }}
),

shipped as (
    select
        batches.batch_id,
        count(shipments.shipment_key) as shipment_lines,
        coalesce(sum(shipments.shipped_qty), 0) as shipped_units,
        count(distinct shipments.customer_key) as customers_reached
    from batches
    left join shipments on batches.batch_id = shipments.batch_id
    group by batches.batch_id
),

returned as (
    select
        batches.batch_id,
        count(returns.return_key) as rma_lines,
        coalesce(sum(returns.return_qty), 0) as returned_units,
        coalesce(sum(case when returns.is_recall then returns.return_qty else 0 end), 0) as recall_returned_units,
        count(distinct returns.customer_key) as customers_returning
    from batches
    left join returns on batches.batch_key = returns.batch_key
    group by batches.batch_id
),

complained as (
    select
        batches.batch_id,
        count(distinct complaints.case_id) as complaints,
        count(distinct case when complaints.received_date >= batches.recall_date then complaints.case_id end)
            as complaints_after_recall
    from batches
    inner join shipments on batches.batch_id = shipments.batch_id
    inner join complaints on shipments.delivery_id = complaints.delivery_id
    group by batches.batch_id
),

final as (
    select
        batches.batch_id,
        batches.product_id,
        batches.plant_id,
        batches.line_id,
        batches.production_date,
        batches.recall_date,
        cast(shipped.shipment_lines as bigint) as shipment_lines,
        cast(shipped.shipped_units as {{ type_double() }}) as shipped_units,
        cast(shipped.customers_reached as bigint) as customers_reached,
        cast(returned.rma_lines as bigint) as rma_lines,
        cast(returned.returned_units as {{ type_double() }}) as returned_units,
        cast(returned.recall_returned_units as {{ type_double() }}) as recall_returned_units,
        cast(returned.customers_returning as bigint) as customers_returning,
        cast(coalesce(complained.complaints, 0) as bigint) as complaints,
        cast(coalesce(complained.complaints_after_recall, 0) as bigint) as complaints_after_recall,
        cast({{ safe_ratio('returned.returned_units', 'shipped.shipped_units') }} as {{ type_double() }}) as return_rate,
        cast({{ wilson_low('returned.returned_units', 'shipped.shipped_units') }} as {{ type_double() }}) as return_ci_low,
        cast({{ wilson_high('returned.returned_units', 'shipped.shipped_units') }} as {{ type_double() }}) as return_ci_high
    from batches
    inner join shipped on batches.batch_id = shipped.batch_id
    inner join returned on batches.batch_id = returned.batch_id
    left join complained on batches.batch_id = complained.batch_id
)

select * from final
