-- Orders, deliveries and complaints per customer (ERP customer number) and calendar month, only where
-- something happened. The periodic snapshot fct_customer_months fills in the empty months.
with order_lines as (
    select * from {{ ref('stg_erp__sales_order_items') }}
),

orders as (
    select * from {{ ref('stg_erp__sales_orders') }}
),

shipments as (
    select * from {{ ref('int_shipments_joined_to_tracking') }}
),

complaints as (
    select * from {{ ref('int_cases_pivoted_to_milestones') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

categories as (
    select * from {{ ref('seed_complaint_categories') }}
),

-- an order counts in its month when one of its lines is not cancelled; its lines are summed per order first, so the
-- month's orders are counted without a distinct count over every order line
order_totals as (
    select
        order_id,
        sum(net_amount) as revenue
    from order_lines
    where not is_cancelled
    group by order_id
),

order_activity as (
    select
        orders.customer_id,
        cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date) as month_start,
        count(*) as orders,
        sum(order_totals.revenue) as revenue
    from orders
    inner join order_totals on orders.order_id = order_totals.order_id
    group by orders.customer_id, cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date)
),

delivery_activity as (
    select
        orders.customer_id,
        cast({{ dbt.date_trunc('month', 'shipments.delivered_local_date') }} as date) as month_start,
        count(*) as delivered_lines,
        sum(case when shipments.delivered_local_date > shipments.promised_date then 1 else 0 end) as late_lines
    from shipments
    inner join orders on shipments.order_id = orders.order_id
    where shipments.delivered_local_date is not null
    group by orders.customer_id, cast({{ dbt.date_trunc('month', 'shipments.delivered_local_date') }} as date)
),

complaint_activity as (
    select
        accounts.customer_id,
        cast({{ dbt.date_trunc('month', 'complaints.created_at') }} as date) as month_start,
        count(*) as all_complaints,
        sum(case when complaints.is_justified and categories.is_quality_related then 1 else 0 end) as quality_complaints
    from complaints
    inner join accounts on complaints.account_id = accounts.account_id
    left join categories on complaints.complaint_category = categories.category_name
    group by accounts.customer_id, cast({{ dbt.date_trunc('month', 'complaints.created_at') }} as date)
),

keys as (
    select
        customer_id,
        month_start
    from order_activity
    union
    select
        customer_id,
        month_start
    from delivery_activity
    union
    select
        customer_id,
        month_start
    from complaint_activity
),

combined as (
    select
        keys.customer_id,
        keys.month_start,
        coalesce(order_activity.orders, 0) as orders,
        coalesce(order_activity.revenue, 0) as revenue,
        coalesce(delivery_activity.delivered_lines, 0) as delivered_lines,
        coalesce(delivery_activity.late_lines, 0) as late_lines,
        coalesce(complaint_activity.all_complaints, 0) as all_complaints,
        coalesce(complaint_activity.quality_complaints, 0) as quality_complaints
    from keys
    left join order_activity
        on keys.customer_id = order_activity.customer_id and keys.month_start = order_activity.month_start
    left join delivery_activity
        on keys.customer_id = delivery_activity.customer_id and keys.month_start = delivery_activity.month_start
    left join complaint_activity
        on keys.customer_id = complaint_activity.customer_id and keys.month_start = complaint_activity.month_start
)

select * from combined
