-- One row per delivery line with its carrier milestones (pickup, first exception, delivery) and
-- the promised date from the order line it fulfils.
-- Incremental: the deliveries with a delivery item, an order item or a carrier event from a load batch not built yet
-- are rebuilt over all their events (delete+insert on the delivery line); a full build takes every delivery.
{{
    config(
        materialized='incremental',
        unique_key=['delivery_id', 'delivery_line_no'],
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with all_deliveries as (
    select * from {{ ref('stg_erp__delivery_items') }}
),

order_items as (
    select * from {{ ref('stg_erp__sales_order_items') }}
),

all_events as (
    select * from {{ ref('stg_logistics__tracking_events') }}
),

statuses as (
    select * from {{ ref('seed_edi_status_codes') }}
),

{% if is_incremental() %}
-- the load batches the table was built from: each line keeps the batch of its delivery item, its order item and the
-- latest of its carrier events
built_batches as (
    {{ batches_built(['delivery_batch_id', 'order_item_batch_id', 'events_batch_id']) }}
),

-- deliveries with a delivery item, an order item or a carrier event from a batch not built yet
changed_deliveries as (
    {{ deliveries_in_batches_not_built(
        ref('stg_erp__delivery_items'), ref('stg_erp__sales_order_items'), ref('stg_logistics__tracking_events'),
        'built_batches'
    ) }}
),
{% endif %}

deliveries as (
    select all_deliveries.*
    from all_deliveries
    {% if is_incremental() %}
        where all_deliveries.delivery_id in (select changed_deliveries.delivery_id from changed_deliveries)
    {% endif %}
),

events as (
    select all_events.*
    from all_events
    {% if is_incremental() %}
        where all_events.delivery_id in (select changed_deliveries.delivery_id from changed_deliveries)
    {% endif %}
),

-- every load of the events (a landed file of a load batch), ranked by load time, ties broken by batch id. A
-- delivery keeps the rank of its latest load, a number, and takes that load's batch from here: the max of a text
-- of time and batch over 30 M events held a string per delivery outside DuckDB's memory limit (1.9 GiB more at
-- 10 M order lines, and a third slower; docs/benchmarks.md)
loads as (
    select
        distinct_loads._loaded_at,
        distinct_loads._batch_id,
        row_number() over (order by distinct_loads._loaded_at, distinct_loads._batch_id) as load_rank
    from (
        select distinct
            events._loaded_at,
            events._batch_id
        from events
    ) as distinct_loads
),

milestones as (
    select
        events.delivery_id,
        cast(sum(case when statuses.is_exception then 1 else 0 end) as bigint) as exception_count,
        cast(sum(case when events.status_code in ('AH', 'AP') then 1 else 0 end) as bigint) as failed_attempt_count,
        min(case when events.status_code = 'AF' then events.event_at end) as picked_up_at,
        min(case when statuses.is_delivered then events.event_at end) as delivered_at,
        min(case when statuses.is_delivered then cast(events.event_local_at as date) end) as delivered_local_date,
        count(*) as event_count,
        -- the latest load of the delivery's events (an event without a load time or batch has no rank)
        max(loads.load_rank) as latest_load_rank
    from events
    left join statuses on events.status_code = statuses.status_code
    left join loads on events._loaded_at = loads._loaded_at and events._batch_id = loads._batch_id
    group by events.delivery_id
),

joined as (
    select
        deliveries.delivery_id,
        deliveries.delivery_line_no,
        deliveries.order_id,
        deliveries.order_line_no,
        deliveries.product_id,
        deliveries.batch_id,
        deliveries.carrier_scac,
        deliveries.tracking_number,
        deliveries.shipped_qty,
        deliveries.goods_issue_date,
        order_items.ordered_qty,
        order_items.promised_date,
        order_items.plant_id,
        milestones.picked_up_at,
        milestones.delivered_at,
        milestones.delivered_local_date,
        coalesce(milestones.exception_count, 0) as exception_count,
        coalesce(milestones.failed_attempt_count, 0) as failed_attempt_count,
        coalesce(milestones.event_count, 0) as event_count,
        deliveries._batch_id as delivery_batch_id,
        order_items._batch_id as order_item_batch_id,
        latest_load._batch_id as events_batch_id
    from deliveries
    left join order_items
        on deliveries.order_id = order_items.order_id and deliveries.order_line_no = order_items.order_line_no
    left join milestones on deliveries.delivery_id = milestones.delivery_id
    left join loads as latest_load on milestones.latest_load_rank = latest_load.load_rank
)

select * from joined
