-- One row per delivery line (accumulating snapshot: goods issue → pickup → delivered), with
-- on-time (delivered on or before the promised date), in-full and OTIF flags.
with shipments as (
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
        shipments.failed_attempt_count
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
