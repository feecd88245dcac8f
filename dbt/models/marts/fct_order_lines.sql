-- One row per sales-order line as booked (latest version; cancellations flagged).
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
        order_items.is_cancelled
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
