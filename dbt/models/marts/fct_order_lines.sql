-- One row per sales-order line as booked (latest version; cancellations flagged).
-- Incremental: lines whose item or header changed since the last build (or are new), and lines whose customer or product
-- version changed since (macros/incremental.sql), are rebuilt by delete+insert on order_line_key.
{{
    config(
        materialized='incremental',
        unique_key='order_line_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with order_items as (
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
stale_lines as (
    select
        existing.order_id,
        existing.order_line_no
    from {{ this }} as existing
    where
        {{ member_is_stale('existing.customer_key', ref('dim_customer'), 'existing.order_date') }}
        or {{ member_is_stale('existing.product_key', ref('dim_product'), 'existing.order_date') }}
),
{% endif %}

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
        greatest(order_items._loaded_at, coalesce(orders._loaded_at, order_items._loaded_at)) as source_loaded_at
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

-- the staging views are read once: a full build takes every row, an incremental one filters here
select * from joined
{% if is_incremental() %}
    where
        {{ changed_since_last_build(
            {'order_id': 'joined.order_id', 'order_line_no': 'joined.order_line_no'}, 'joined.source_loaded_at'
        ) }}
        or exists (
            select 1
            from stale_lines
            where stale_lines.order_id = joined.order_id and stale_lines.order_line_no = joined.order_line_no
        )
{% endif %}
