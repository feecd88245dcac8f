-- Attribute control charts of final inspection per production line and ISO week (grain = chart_id × subgroup_start):
-- a p-chart (proportion defective) and a u-chart (defects per unit). Limits vary with the subgroup size and
-- come from a frozen Phase I baseline (the first N subgroups, seed_spc_config), so a later shift cannot pull
-- the centre line towards itself. Western Electric rules 1-4 are evaluated on z = (x − CL) / σ_i:
--   we1: one point beyond 3σ; we2: 2 of 3 consecutive beyond 2σ on one side (this point among them);
--   we3: 4 of 5 consecutive beyond 1σ on one side (this point among them); we4: 8 consecutive on one side.
-- Rules need a full window: the first points of a series cannot fire we2-we4.
with lots as (
    select * from {{ ref('fct_inspection_lots') }}
    where inspection_stage = 'final' and line_id is not null and inspected_qty > 0
),

config as (
    select * from {{ ref('seed_spc_config') }}
    where chart_family = 'final_inspection_p'
),

subgroups as (
    select
        line_id,
        cast({{ dbt.date_trunc('week', 'lot_created_date') }} as date) as subgroup_start,
        sum(inspected_qty) as n,
        sum(defective_qty) as defectives,
        sum(defect_count) as defects
    from lots
    group by line_id, cast({{ dbt.date_trunc('week', 'lot_created_date') }} as date)
),

charts as (
    select
        'p_final_' || line_id as chart_id,
        'p' as chart_type,
        line_id,
        subgroup_start,
        n,
        defectives as x
    from subgroups
    union all
    select
        'u_final_' || line_id as chart_id,
        'u' as chart_type,
        line_id,
        subgroup_start,
        n,
        defects as x
    from subgroups
),

numbered as (
    select
        charts.*,
        row_number() over (partition by charts.chart_id order by charts.subgroup_start) as subgroup_no
    from charts
),

baseline as (
    select
        numbered.chart_id,
        sum(numbered.x) * 1.0 / sum(numbered.n) as center_line,
        min(numbered.subgroup_start) as baseline_start,
        max(numbered.subgroup_start) as baseline_end,
        count(*) as baseline_subgroups
    from numbered
    cross join config
    where numbered.subgroup_no <= config.baseline_subgroups
    group by numbered.chart_id
),

points as (
    select
        numbered.*,
        baseline.center_line,
        baseline.baseline_start,
        baseline.baseline_end,
        baseline.baseline_subgroups,
        config.sigma_multiplier,
        config.min_subgroup_n,
        numbered.x * 1.0 / numbered.n as statistic,
        case
            when numbered.chart_type = 'p' then sqrt(baseline.center_line * (1 - baseline.center_line) / numbered.n)
            else sqrt(baseline.center_line / numbered.n)
        end as sigma_i
    from numbered
    inner join baseline on numbered.chart_id = baseline.chart_id
    cross join config
),

standardized as (
    select
        *,
        case when sigma_i > 0 then (statistic - center_line) / sigma_i end as z
    from points
),

flagged as (
    select
        chart_id,
        chart_type,
        line_id,
        subgroup_no,
        subgroup_start,
        cast(n as {{ type_double() }}) as n,
        cast(x as {{ type_double() }}) as x,
        cast(statistic as {{ type_double() }}) as statistic,
        cast(center_line as {{ type_double() }}) as center_line,
        cast(sigma_i as {{ type_double() }}) as sigma_i,
        cast(
            case when chart_type = 'p' then least(1.0, center_line + sigma_multiplier * sigma_i)
                else center_line + sigma_multiplier * sigma_i
            end as {{ type_double() }}
        ) as ucl,
        cast(greatest(0.0, center_line - sigma_multiplier * sigma_i) as {{ type_double() }}) as lcl,
        cast(center_line + 2 * sigma_i as {{ type_double() }}) as upper_2sigma,
        cast(greatest(0.0, center_line - 2 * sigma_i) as {{ type_double() }}) as lower_2sigma,
        cast(center_line + sigma_i as {{ type_double() }}) as upper_1sigma,
        cast(greatest(0.0, center_line - sigma_i) as {{ type_double() }}) as lower_1sigma,
        cast(z as {{ type_double() }}) as z,
        case when subgroup_no <= baseline_subgroups then 'I' else 'II' end as phase,
        baseline_start,
        baseline_end,
        n < min_subgroup_n as is_sparse,
        coalesce(abs(z) > sigma_multiplier, false) as we1,
        coalesce(
            count(z) over w3 = 3 and (
                (z > 2 and sum(case when z > 2 then 1 else 0 end) over w3 >= 2)
                or (z < -2 and sum(case when z < -2 then 1 else 0 end) over w3 >= 2)
            ), false
        ) as we2,
        coalesce(
            count(z) over w5 = 5 and (
                (z > 1 and sum(case when z > 1 then 1 else 0 end) over w5 >= 4)
                or (z < -1 and sum(case when z < -1 then 1 else 0 end) over w5 >= 4)
            ), false
        ) as we3,
        coalesce(
            count(z) over w8 = 8 and (min(z) over w8 > 0 or max(z) over w8 < 0), false
        ) as we4
    from standardized
    window
        w3 as (partition by chart_id order by subgroup_no rows between 2 preceding and current row),
        w5 as (partition by chart_id order by subgroup_no rows between 4 preceding and current row),
        w8 as (partition by chart_id order by subgroup_no rows between 7 preceding and current row)
),

final as (
    select
        *,
        we1 or we2 or we3 or we4 as any_signal
    from flagged
)

select * from final
