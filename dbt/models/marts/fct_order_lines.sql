-- One row per sales-order line as booked (latest version; cancellations flagged).
-- Incremental: the orders with an item or a header from a load batch not built yet, and the orders with a line whose
-- customer or product version changed since (macros/incremental.sql), are rebuilt by delete+insert on order_line_key.
{{
    config(
        materialized='incremental',
        unique_key='order_line_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with all_order_items as (
    select * from {{ ref('stg_erp__sales_order_items') }}
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
-- the load batches the table was built from: each line keeps the batch of its order item and of its order header
built_batches as (
    {{ batches_built(['order_item_batch_id', 'order_batch_id']) }}
),

-- orders to rebuild: an item or the header from a batch not built yet, or a line whose stored customer or product
-- version is stale (unknown member, or a type-2 change recorded since)
-- (staging read directly, not through the CTEs all_order_items and orders: DuckDB materializes a CTE read twice)
changed_orders as (
    select items_landed.order_id
    from {{ ref('stg_erp__sales_order_items') }} as items_landed
    where items_landed._batch_id not in (select built_batches.batch_id from built_batches)
    union
    select orders_landed.order_id
    from {{ ref('stg_erp__sales_orders') }} as orders_landed
    where orders_landed._batch_id not in (select built_batches.batch_id from built_batches)
    union
    select existing.order_id
    from {{ this }} as existing
    where
        {{ member_is_stale('existing.customer_key', ref('dim_customer'), 'existing.order_date') }}
        or {{ member_is_stale('existing.product_key', ref('dim_product'), 'existing.order_date') }}
),
{% endif %}

order_items as (
    select all_order_items.*
    from all_order_items
    {% if is_incremental() %}
        where all_order_items.order_id in (select changed_orders.order_id from changed_orders)
    {% endif %}
),

joined as (
    select
        {{ surrogate_key(['order_items.order_id', 'order_items.order_line_no']) }} as order_line_key,
        order_items.order_id,
        order_items.order_line_no,
        coalesce(customers.customer_key, '-1') as customer_key,
        coalesce(products.product_key, '-1') as product_key,
        orders.order_date,
        order_items.promised_date,
        order_items.plant_id,
        orders.sales_channel_code,
        order_items.ordered_qty,
        order_items.net_amount,
        orders.currency,
        order_items.is_cancelled,
        greatest(order_items._loaded_at, coalesce(orders._loaded_at, order_items._loaded_at)) as source_loaded_at,
        order_items._batch_id as order_item_batch_id,
        orders._batch_id as order_batch_id
    from order_items
    left join orders on order_items.order_id = orders.order_id
    left join customers
        on orders.customer_id = customers.customer_id
            and orders.order_date >= customers.valid_from
            and orders.order_date < customers.valid_to
    left join products
        on order_items.product_id = products.product_id
            and orders.order_date >= products.valid_from
            and orders.order_date < products.valid_to
)

select * from joined
