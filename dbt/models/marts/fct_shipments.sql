-- One row per delivery line (accumulating snapshot: goods issue → pickup → delivered), with
-- on-time (delivered on or before the promised date), in-full and OTIF flags.
-- Incremental: the deliveries with a delivery item, order item, carrier event or order header from a load batch not
-- built yet, and those with a line whose customer or product version changed since (macros/incremental.sql), are
-- rebuilt by delete+insert on shipment_key.
-- the staging tables are read only by an incremental build:
-- depends_on: {{ ref('stg_erp__delivery_items') }}, {{ ref('stg_erp__sales_order_items') }}
-- depends_on: {{ ref('stg_logistics__tracking_events') }}
{{
    config(
        materialized='incremental',
        unique_key='shipment_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with all_shipments as (
    select * from {{ ref('int_shipments_joined_to_tracking') }}
),

orders as (
    select * from {{ ref('stg_erp__sales_orders') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

{% if is_incremental() %}
-- the load batches the table was built from: each line keeps the batches of its delivery item, order item, latest
-- carrier event and order header
built_batches as (
    {{ batches_built(['delivery_batch_id', 'order_item_batch_id', 'events_batch_id', 'order_batch_id']) }}
),

-- deliveries to rebuild: a delivery item, order item, carrier event or order header from a batch not built yet, or a
-- line whose stored customer or product version is stale (unknown member, or a type-2 change recorded since)
changed_deliveries as (
    {{ deliveries_in_batches_not_built(
        ref('stg_erp__delivery_items'), ref('stg_erp__sales_order_items'), ref('stg_logistics__tracking_events'),
        'built_batches'
    ) }}
    union
    -- relations read directly, not through the CTEs all_shipments and orders: DuckDB materializes a CTE read twice
    select shipment_lines.delivery_id
    from {{ ref('int_shipments_joined_to_tracking') }} as shipment_lines
    inner join (
        select new_orders.order_id
        from {{ ref('stg_erp__sales_orders') }} as new_orders
        where new_orders._batch_id not in (select built_batches.batch_id from built_batches)
    ) as changed_orders on shipment_lines.order_id = changed_orders.order_id
    union
    select existing.delivery_id
    from {{ this }} as existing
    where
        {{ member_is_stale('existing.customer_key', ref('dim_customer'), 'existing.order_date') }}
        or {{ member_is_stale('existing.product_key', ref('dim_product'), 'existing.order_date') }}
),
{% endif %}

shipments as (
    select all_shipments.*
    from all_shipments
    {% if is_incremental() %}
        where all_shipments.delivery_id in (select changed_deliveries.delivery_id from changed_deliveries)
    {% endif %}
),

joined as (
    select
        {{ surrogate_key(['shipments.delivery_id', 'shipments.delivery_line_no']) }} as shipment_key,
        shipments.delivery_id,
        shipments.delivery_line_no,
        shipments.order_id,
        shipments.order_line_no,
        {{ surrogate_key(['shipments.order_id', 'shipments.order_line_no']) }} as order_line_key,
        coalesce(customers.customer_key, '-1') as customer_key,
        coalesce(products.product_key, '-1') as product_key,
        shipments.batch_id,
        shipments.plant_id,
        shipments.carrier_scac,
        shipments.tracking_number,
        shipments.goods_issue_date,
        shipments.promised_date,
        shipments.picked_up_at,
        shipments.delivered_at,
        shipments.delivered_local_date as delivered_date,
        shipments.ordered_qty,
        shipments.shipped_qty,
        shipments.delivered_local_date is not null as is_delivered,
        case
            when shipments.delivered_local_date is not null
                then {{ days_between('shipments.promised_date', 'shipments.delivered_local_date') }}
        end as days_late,
        case
            when shipments.delivered_local_date is not null
                then shipments.delivered_local_date <= shipments.promised_date
        end as is_on_time,
        shipments.shipped_qty >= shipments.ordered_qty as is_in_full,
        case
            when shipments.delivered_local_date is not null
                then
                    shipments.delivered_local_date <= shipments.promised_date
                    and shipments.shipped_qty >= shipments.ordered_qty
        end as is_otif,
        shipments.exception_count,
        shipments.failed_attempt_count,
        orders.order_date,
        shipments.delivery_batch_id,
        shipments.order_item_batch_id,
        shipments.events_batch_id,
        orders._batch_id as order_batch_id
    from shipments
    left join orders on shipments.order_id = orders.order_id
    left join customers
        on orders.customer_id = customers.customer_id
            and orders.order_date >= customers.valid_from
            and orders.order_date < customers.valid_to
    left join products
        on shipments.product_id = products.product_id
            and orders.order_date >= products.valid_from
            and orders.order_date < products.valid_to
)

select * from joined
