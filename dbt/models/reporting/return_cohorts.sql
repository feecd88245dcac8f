-- Return and repair rates by ship-month cohort (grain = ship_month × window_days): units shipped in the month,
-- and of them the units returned (all reasons, quality reasons only, recall) and repaired within 30, 60, 90 and
-- 180 days of goods issue (quality-domain.md §1.2). Returns lag shipments, so a cohort whose window has not
-- fully elapsed by the end of the data is right-censored: its counts so far are shown, its rates are null
-- and is_window_complete is false (a calendar-month rate would understate recent months).
with shipments as (
    select * from {{ ref('fct_shipments') }}
    where goods_issue_date is not null
),

returns as (
    select * from {{ ref('fct_returns') }}
),

windows as (
    select 30 as window_days
    union all
    select 60 as window_days
    union all
    select 90 as window_days
    union all
    select 180 as window_days
),

data_end as (
    select max(last_date) as data_end_date
    from (
        select max(goods_issue_date) as last_date from shipments
        union all
        select max(return_date) as last_date from returns
    ) as ends
),

cohorts as (
    select
        cast({{ dbt.date_trunc('month', 'goods_issue_date') }} as date) as ship_month,
        count(*) as shipment_lines,
        sum(shipped_qty) as shipped_units
    from shipments
    group by cast({{ dbt.date_trunc('month', 'goods_issue_date') }} as date)
),

returned as (
    select
        cast({{ dbt.date_trunc('month', 'shipments.goods_issue_date') }} as date) as ship_month,
        windows.window_days,
        count(*) as rma_lines,
        sum(returns.return_qty) as returned_units,
        sum(case when returns.is_quality_defect then returns.return_qty else 0 end) as quality_returned_units,
        sum(case when returns.is_recall then returns.return_qty else 0 end) as recall_returned_units,
        sum(case when returns.is_repair then returns.return_qty else 0 end) as repaired_units
    from returns
    inner join shipments on returns.shipment_key = shipments.shipment_key
    inner join windows on returns.days_ship_to_return <= windows.window_days
    group by cast({{ dbt.date_trunc('month', 'shipments.goods_issue_date') }} as date), windows.window_days
),

joined as (
    select
        cohorts.ship_month,
        windows.window_days,
        cohorts.shipment_lines,
        cohorts.shipped_units,
        coalesce(returned.rma_lines, 0) as rma_lines,
        coalesce(returned.returned_units, 0) as returned_units,
        coalesce(returned.quality_returned_units, 0) as quality_returned_units,
        coalesce(returned.recall_returned_units, 0) as recall_returned_units,
        coalesce(returned.repaired_units, 0) as repaired_units,
        -- the last shipment of the month must have had its full window before the data ends
        cast({{ dbt.dateadd('day', 'windows.window_days', dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'cohorts.ship_month'))) }} as date)
        <= data_end.data_end_date as is_window_complete
    from cohorts
    cross join windows
    cross join data_end
    left join returned
        on cohorts.ship_month = returned.ship_month
            and windows.window_days = returned.window_days
),

final as (
    select
        ship_month,
        cast(window_days as integer) as window_days,
        cast(shipment_lines as bigint) as shipment_lines,
        cast(shipped_units as {{ type_double() }}) as shipped_units,
        cast(rma_lines as bigint) as rma_lines,
        cast(returned_units as {{ type_double() }}) as returned_units,
        cast(quality_returned_units as {{ type_double() }}) as quality_returned_units,
        cast(recall_returned_units as {{ type_double() }}) as recall_returned_units,
        cast(repaired_units as {{ type_double() }}) as repaired_units,
        is_window_complete,
        cast(case when is_window_complete then {{ safe_ratio('returned_units', 'shipped_units') }} end as {{ type_double() }})
            as return_rate,
        cast(case when is_window_complete then {{ wilson_low('returned_units', 'shipped_units') }} end as {{ type_double() }})
            as return_ci_low,
        cast(case when is_window_complete then {{ wilson_high('returned_units', 'shipped_units') }} end as {{ type_double() }})
            as return_ci_high,
        cast(case when is_window_complete then 1000000.0 * {{ safe_ratio('returned_units', 'shipped_units') }} end as {{ type_double() }})
            as return_ppm,
        cast(
            case when is_window_complete then {{ safe_ratio('quality_returned_units', 'shipped_units') }} end as {{ type_double() }}
        ) as quality_return_rate,
        cast(
            case when is_window_complete then {{ wilson_low('quality_returned_units', 'shipped_units') }} end as {{ type_double() }}
        ) as quality_return_ci_low,
        cast(
            case when is_window_complete then {{ wilson_high('quality_returned_units', 'shipped_units') }} end as {{ type_double() }}
        ) as quality_return_ci_high,
        cast(case when is_window_complete then {{ safe_ratio('repaired_units', 'shipped_units') }} end as {{ type_double() }})
            as repair_rate,
        cast(case when is_window_complete then {{ wilson_low('repaired_units', 'shipped_units') }} end as {{ type_double() }})
            as repair_ci_low,
        cast(case when is_window_complete then {{ wilson_high('repaired_units', 'shipped_units') }} end as {{ type_double() }})
            as repair_ci_high,
        cast(case when is_window_complete then 1000.0 * {{ safe_ratio('repaired_units', 'shipped_units') }} end as {{ type_double() }})
            as repairs_per_1000_units,
        shipment_lines < {{ var('small_sample_n') }} as is_small_sample
    from joined
)

select * from final
