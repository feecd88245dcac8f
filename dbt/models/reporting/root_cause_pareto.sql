-- Pareto of root causes found in quality notifications (grain = period × level × item): per calendar year and
-- for the whole period ('all'), ranked by occurrences, at the level of the root cause and rolled up to its
-- fishbone (6M) category. Cumulative share reaches 1 within each period and level; class A = the causes
-- that make up the first 80 %, B up to 95 %, C the rest.
with causes as (
    select * from {{ ref('stg_erp__notification_causes') }}
    where catalog_type = '5'
),

notifications as (
    select * from {{ ref('stg_erp__quality_notifications') }}
),

root_causes as (
    select * from {{ ref('dim_root_cause') }}
),

periods as (
    select 'year' as period_type
    union all
    select 'all' as period_type
),

levels as (
    select 'root_cause' as level
    union all
    select 'category_6m' as level
),

occurrences as (
    select
        case
            when periods.period_type = 'all' then 'all'
            else cast(extract(year from notifications.notification_date) as {{ dbt.type_string() }})
        end as period,
        levels.level,
        case
            when levels.level = 'root_cause' then coalesce(root_causes.code_group || '/' || root_causes.code, 'unknown')
            else coalesce(root_causes.category_6m, 'Unknown')
        end as item,
        max(case when levels.level = 'root_cause' then coalesce(root_causes.cause_name, 'Unknown') end) as item_name,
        max(coalesce(root_causes.category_6m, 'Unknown')) as category_6m,
        count(*) as occurrences,
        sum(coalesce(notifications.complaint_qty, 0)) as affected_qty
    from causes
    inner join notifications on causes.notification_id = notifications.notification_id
    left join root_causes on causes.cause_code_group = root_causes.code_group and causes.cause_code = root_causes.code
    cross join periods
    cross join levels
    where notifications.notification_date is not null
    group by 1, 2, 3
),

ranked as (
    select
        *,
        row_number() over (partition by period, level order by occurrences desc, item asc) as pareto_rank,
        sum(occurrences) over (partition by period, level) as period_occurrences,
        sum(occurrences) over (
            partition by period, level order by occurrences desc, item asc rows between unbounded preceding and current row
        ) as cumulative_occurrences
    from occurrences
),

final as (
    select
        period,
        level,
        item,
        coalesce(item_name, item) as item_name,
        category_6m,
        cast(occurrences as bigint) as occurrences,
        cast(affected_qty as {{ type_double() }}) as affected_qty,
        cast(pareto_rank as bigint) as pareto_rank,
        cast(period_occurrences as bigint) as period_occurrences,
        cast(occurrences * 1.0 / period_occurrences as {{ type_double() }}) as share,
        cast(cumulative_occurrences * 1.0 / period_occurrences as {{ type_double() }}) as cumulative_share,
        case
            when (cumulative_occurrences - occurrences) * 1.0 / period_occurrences < 0.80 then 'A'
            when (cumulative_occurrences - occurrences) * 1.0 / period_occurrences < 0.95 then 'B'
            else 'C'
        end as pareto_class
    from ranked
)

select * from final
