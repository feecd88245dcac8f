-- Periodic snapshot: one row per customer × calendar month (grain = customer_id × month_start), from the
-- customer's first order month to the last month with data. The backbone for retention and for impact
-- analysis: activity in the month, exposures in the 90 days before the month (strictly before the outcome
-- window), and the outcome label churned_next_180d = no order in the 180 days from the month start
-- (null when that window runs past the end of the data: right-censored).
with activity as (
    select * from {{ ref('int_customer_activity_by_month') }}
),

months as (
    select distinct month_start from {{ ref('dim_date') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

bounds as (
    select
        customer_id,
        min(case when orders > 0 then month_start end) as first_order_month
    from activity
    group by customer_id
),

-- the outcome is ordering, so the data ends with the last month anyone ordered in; deliveries, complaints
-- and surveys of orders from that month run on into the next, but a month with no orders yet is not evidence
-- of churn: windows past this month are right-censored
data_end as (
    select max(case when orders > 0 then month_start end) as last_month from activity
),

spine as (
    select
        bounds.customer_id,
        bounds.first_order_month,
        months.month_start
    from bounds
    cross join data_end
    inner join months
        on bounds.first_order_month <= months.month_start and data_end.last_month >= months.month_start
    where bounds.first_order_month is not null
),

filled as (
    select
        spine.customer_id,
        spine.month_start,
        spine.first_order_month,
        coalesce(activity.orders, 0) as orders,
        coalesce(activity.revenue, 0) as revenue,
        coalesce(activity.delivered_lines, 0) as delivered_lines,
        coalesce(activity.late_lines, 0) as late_lines,
        coalesce(activity.all_complaints, 0) as all_complaints,
        coalesce(activity.quality_complaints, 0) as quality_complaints
    from spine
    left join activity
        on spine.customer_id = activity.customer_id and spine.month_start = activity.month_start
),

windows as (
    select
        *,
        sum(orders) over (
            partition by customer_id order by month_start rows between 11 preceding and current row
        ) as orders_trailing_12m,
        sum(quality_complaints) over (
            partition by customer_id order by month_start rows between 3 preceding and 1 preceding
        ) as quality_complaints_prev_3m,
        sum(late_lines) over (
            partition by customer_id order by month_start rows between 3 preceding and 1 preceding
        ) as late_lines_prev_3m,
        sum(delivered_lines) over (
            partition by customer_id order by month_start rows between 3 preceding and 1 preceding
        ) as delivered_lines_prev_3m,
        sum(orders) over (
            partition by customer_id order by month_start rows between 11 preceding and 1 preceding
        ) as orders_prev_11m,
        sum(orders) over (
            partition by customer_id order by month_start rows between current row and 5 following
        ) as orders_next_6m,
        count(*) over (
            partition by customer_id order by month_start rows between current row and 5 following
        ) as months_observed_next_6m
    from filled
),

labelled as (
    select
        windows.customer_id,
        coalesce(customers.customer_key, '-1') as customer_key,
        coalesce(customers.segment, 'Unknown') as segment,
        windows.month_start,
        windows.first_order_month,
        windows.month_start = windows.first_order_month as is_new,
        windows.orders_trailing_12m > 0 as is_active,
        coalesce(windows.orders_prev_11m, 0) > 0 as was_active_at_start,
        cast(windows.orders as bigint) as orders,
        cast(windows.revenue as {{ type_double() }}) as revenue,
        cast(windows.delivered_lines as bigint) as delivered_lines,
        cast(windows.late_lines as bigint) as late_lines,
        cast(windows.all_complaints as bigint) as all_complaints,
        cast(windows.quality_complaints as bigint) as quality_complaints,
        cast(coalesce(windows.quality_complaints_prev_3m, 0) as bigint) as quality_complaints_prev_3m,
        cast(coalesce(windows.late_lines_prev_3m, 0) as bigint) as late_lines_prev_3m,
        cast(coalesce(windows.delivered_lines_prev_3m, 0) as bigint) as delivered_lines_prev_3m,
        case
            when windows.months_observed_next_6m < 6 then null
            else windows.orders_next_6m = 0
        end as churned_next_180d
    from windows
    left join customers
        on windows.customer_id = customers.customer_id
            and cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'windows.month_start')) }} as date) >= customers.valid_from
            and cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'windows.month_start')) }} as date) < customers.valid_to
)

select * from labelled
