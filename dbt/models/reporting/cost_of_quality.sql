-- Cost of quality per month × plant (grain), plant = 'All' for the company: prevention, appraisal, internal
-- and external failure (PAF model), COQ = their sum, COPQ = internal + external failure, and COPQ as a share
-- of net order revenue booked in the month (same plant). Shares are ratios of sums.
with costs as (
    select * from {{ ref('fct_quality_costs') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

scopes as (
    select 'plant' as scope
    union all
    select 'all' as scope
),

cost_totals as (
    select
        cast({{ dbt.date_trunc('month', 'costs.posting_date') }} as date) as month_start,
        case when scopes.scope = 'all' then 'All' else coalesce(costs.plant_id, 'Unknown') end as plant_id,
        sum(case when costs.coq_category = 'prevention' then costs.amount else 0 end) as prevention_cost,
        sum(case when costs.coq_category = 'appraisal' then costs.amount else 0 end) as appraisal_cost,
        sum(case when costs.coq_category = 'internal_failure' then costs.amount else 0 end) as internal_failure_cost,
        sum(case when costs.coq_category = 'external_failure' then costs.amount else 0 end) as external_failure_cost
    from costs
    cross join scopes
    group by 1, 2
),

revenue as (
    select
        cast({{ dbt.date_trunc('month', 'order_lines.order_date') }} as date) as month_start,
        case when scopes.scope = 'all' then 'All' else coalesce(order_lines.plant_id, 'Unknown') end as plant_id,
        sum(order_lines.net_amount) as net_revenue
    from order_lines
    cross join scopes
    where not order_lines.is_cancelled
    group by 1, 2
),

joined as (
    select
        cost_totals.month_start,
        cost_totals.plant_id,
        cast(cost_totals.prevention_cost as {{ type_double() }}) as prevention_cost,
        cast(cost_totals.appraisal_cost as {{ type_double() }}) as appraisal_cost,
        cast(cost_totals.internal_failure_cost as {{ type_double() }}) as internal_failure_cost,
        cast(cost_totals.external_failure_cost as {{ type_double() }}) as external_failure_cost,
        cast(
            cost_totals.prevention_cost + cost_totals.appraisal_cost
            + cost_totals.internal_failure_cost + cost_totals.external_failure_cost as {{ type_double() }}
        ) as cost_of_quality,
        cast(cost_totals.internal_failure_cost + cost_totals.external_failure_cost as {{ type_double() }})
            as cost_of_poor_quality,
        cast(coalesce(revenue.net_revenue, 0) as {{ type_double() }}) as net_revenue
    from cost_totals
    left join revenue
        on cost_totals.month_start = revenue.month_start and cost_totals.plant_id = revenue.plant_id
),

final as (
    select
        *,
        cast({{ safe_ratio('cost_of_poor_quality', 'net_revenue') }} as {{ type_double() }}) as copq_share_of_revenue,
        cast({{ safe_ratio('prevention_cost', 'cost_of_quality') }} as {{ type_double() }}) as prevention_share,
        cast({{ safe_ratio('appraisal_cost', 'cost_of_quality') }} as {{ type_double() }}) as appraisal_share,
        cast({{ safe_ratio('internal_failure_cost', 'cost_of_quality') }} as {{ type_double() }}) as internal_failure_share,
        cast({{ safe_ratio('external_failure_cost', 'cost_of_quality') }} as {{ type_double() }}) as external_failure_share
    from joined
)

select * from final
