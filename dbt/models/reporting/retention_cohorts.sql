-- Cohort retention: customers grouped by their first-order month (grain = cohort_month × months_since_first_order),
-- with how many ordered again in each later month, as a rate with a Wilson interval. Months past the end of the
-- data are not shown, so the triangle is honest about what has not happened yet.
with customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

cohort_sizes as (
    select
        first_order_month as cohort_month,
        count(distinct customer_id) as cohort_customers
    from customer_months
    group by first_order_month
),

activity as (
    select
        first_order_month as cohort_month,
        cast({{ dbt.datediff('first_order_month', 'month_start', 'month') }} as integer)
            as months_since_first_order,
        count(distinct case when orders > 0 then customer_id end) as ordering_customers,
        count(distinct case when is_active then customer_id end) as active_customers
    from customer_months
    group by
        first_order_month,
        cast({{ dbt.datediff('first_order_month', 'month_start', 'month') }} as integer)
),

final as (
    select
        activity.cohort_month,
        activity.months_since_first_order,
        cast(cohort_sizes.cohort_customers as bigint) as cohort_customers,
        cast(activity.ordering_customers as bigint) as ordering_customers,
        cast(activity.active_customers as bigint) as active_customers,
        cast({{ safe_ratio('activity.ordering_customers', 'cohort_sizes.cohort_customers') }} as {{ type_double() }}) as order_retention_rate,
        cast({{ wilson_low('activity.ordering_customers', 'cohort_sizes.cohort_customers') }} as {{ type_double() }}) as order_retention_ci_low,
        cast({{ wilson_high('activity.ordering_customers', 'cohort_sizes.cohort_customers') }} as {{ type_double() }}) as order_retention_ci_high,
        cast({{ safe_ratio('activity.active_customers', 'cohort_sizes.cohort_customers') }} as {{ type_double() }}) as active_rate,
        cohort_sizes.cohort_customers < {{ var('small_sample_n') }} as is_small_sample
    from activity
    inner join cohort_sizes on activity.cohort_month = cohort_sizes.cohort_month
)

select * from final
