-- Process capability per product × characteristic × spec version × period (grain = capability_key; period 'all'
-- = the whole history, 'month' = one calendar month), quality-domain.md §1.9:
--   Cp = (USL − LSL) / 6σ_within, CPU = (USL − μ) / 3σ_within, CPL = (μ − LSL) / 3σ_within, Cpk = min(CPU, CPL);
--   Pp, PPU, PPL, Ppk: the same with σ_overall (sample standard deviation of all values).
-- σ_within: R̄/d2 when every subgroup of the window has the same size 2-10 (d2 from seed_spc_constants),
-- MR̄/1.128 for individuals (subgroups of one), the pooled standard deviation otherwise (method in a column).
-- Edge cases: a one-sided spec leaves Cp/Pp null and Cpk/Ppk = the one defined side; zero variance leaves every
-- index null (flagged); fewer than var('capability_small_sample_n') values are flagged imprecise.
-- Stability: an x-bar/R chart per product × characteristic × spec version with limits frozen on the Phase I
-- baseline (the first N subgroups, seed_spc_config 'xbar_r_measurements'). Signal points: Western Electric rule 1
-- (x-bar beyond 3σ), rule 4 (8 in a row on one side) and R outside its limits. An in-control chart also fires by
-- chance (about var('xbar_r_false_alarm_p') per subgroup), so a long window would almost never be signal-free:
-- the window is stable when its signal points do not exceed the chance allowance, the 99 % Poisson upper
-- bound k·p + 2.326·sqrt(k·p) (0 for a month of a few subgroups: there one signal makes it unstable).
-- Capability of an unstable window is shown, with is_stable_xbar_r false.
-- Intervals: Cp/Pp by χ² (Wilson-Hilferty), Cpk/Ppk by Bissell's normal approximation; degrees of freedom
-- Σ(nᵢ − 1) for pooled σ, 0.9·k·(n − 1) for R̄/d2 and 0.62·(k − 1) for MR̄ (approximations, in the YAML).
with measurements as (
    select * from {{ ref('fct_measurements') }}
    where measured_value is not null
),

constants as (
    select * from {{ ref('seed_spc_constants') }}
),

config as (
    select * from {{ ref('seed_spc_config') }}
    where chart_family = 'xbar_r_measurements'
),

vals as (
    select
        product_id,
        characteristic_id,
        characteristic_name,
        line_id,
        spec_lsl,
        spec_usl,
        {{ surrogate_key(['product_id', 'characteristic_id', 'spec_lsl', 'spec_usl']) }} as chart_key,
        subgroup_key,
        measured_date,
        measured_value
    from measurements
),

subgroups as (
    select
        chart_key,
        subgroup_key,
        min(measured_date) as subgroup_date,
        count(*) as n_i,
        avg(measured_value) as xbar_i,
        max(measured_value) - min(measured_value) as r_i,
        coalesce(var_samp(measured_value), 0) as s2_i
    from vals
    group by chart_key, subgroup_key
),

ordered as (
    select
        subgroups.*,
        cast({{ dbt.date_trunc('month', 'subgroups.subgroup_date') }} as date) as month_start,
        row_number() over (partition by subgroups.chart_key order by subgroups.subgroup_date, subgroups.subgroup_key)
            as subgroup_no,
        abs(
            subgroups.xbar_i
            - lag(subgroups.xbar_i) over (partition by subgroups.chart_key order by subgroups.subgroup_date, subgroups.subgroup_key)
        ) as mr_i
    from subgroups
),

with_constants as (
    select
        ordered.*,
        constants.d2 as d2_i,
        constants.d3_lower as d3_lower_i,
        constants.d4_upper as d4_upper_i
    from ordered
    left join constants on ordered.n_i = constants.subgroup_size
),

-- σ_within of a set of subgroups, by the method its subgroup sizes allow
baseline_parts as (
    select
        with_constants.chart_key,
        sum(with_constants.n_i * with_constants.xbar_i) / sum(with_constants.n_i) as center_line,
        min(with_constants.n_i) as min_n,
        max(with_constants.n_i) as max_n,
        avg(with_constants.r_i) as r_bar,
        max(with_constants.d2_i) as d2,
        avg(with_constants.mr_i) as mr_bar,
        sum((with_constants.n_i - 1) * with_constants.s2_i) as pooled_ss,
        sum(with_constants.n_i - 1) as pooled_df,
        count(*) as baseline_subgroups,
        min(with_constants.subgroup_date) as baseline_start,
        max(with_constants.subgroup_date) as baseline_end
    from with_constants
    cross join config
    where with_constants.subgroup_no <= config.baseline_subgroups
    group by with_constants.chart_key
),

baseline as (
    select
        *,
        case
            when min_n = max_n and d2 is not null then r_bar / d2
            when max_n = 1 then mr_bar / 1.128
            when pooled_df > 0 then sqrt(pooled_ss / pooled_df)
        end as sigma_within_baseline
    from baseline_parts
),

points as (
    select
        with_constants.*,
        baseline.center_line,
        baseline.sigma_within_baseline,
        baseline.baseline_subgroups,
        config.sigma_multiplier,
        case
            when baseline.sigma_within_baseline > 0
                then (with_constants.xbar_i - baseline.center_line) / (baseline.sigma_within_baseline / sqrt(with_constants.n_i))
        end as z_i
    from with_constants
    inner join baseline on with_constants.chart_key = baseline.chart_key
    cross join config
),

flagged as (
    select
        *,
        coalesce(abs(z_i) > sigma_multiplier, false) as xbar_we1,
        coalesce(count(z_i) over w8 = 8 and (min(z_i) over w8 > 0 or max(z_i) over w8 < 0), false) as xbar_we4,
        coalesce(
            n_i >= 2 and d2_i is not null and (
                r_i > d4_upper_i * d2_i * sigma_within_baseline
                or r_i < d3_lower_i * d2_i * sigma_within_baseline
            ), false
        ) as r_beyond_limits
    from points
    window w8 as (partition by chart_key order by subgroup_no rows between 7 preceding and current row)
),

-- every subgroup counts in its chart's 'all' window and in its month
windows as (
    select
        chart_key,
        subgroup_key,
        'all' as period,
        cast(null as date) as month_start
    from flagged
    union all
    select
        chart_key,
        subgroup_key,
        'month' as period,
        month_start
    from flagged
),

window_subgroups as (
    select
        windows.chart_key,
        windows.period,
        windows.month_start,
        count(*) as subgroup_count,
        min(flagged.n_i) as min_n,
        max(flagged.n_i) as max_n,
        avg(flagged.r_i) as r_bar,
        max(flagged.d2_i) as d2,
        avg(flagged.mr_i) as mr_bar,
        sum((flagged.n_i - 1) * flagged.s2_i) as pooled_ss,
        sum(flagged.n_i - 1) as pooled_df,
        sum(case when flagged.xbar_we1 then 1 else 0 end) as xbar_we1_points,
        sum(case when flagged.xbar_we4 then 1 else 0 end) as xbar_we4_points,
        sum(case when flagged.r_beyond_limits then 1 else 0 end) as r_points_beyond_limits,
        max(flagged.center_line) as xbar_center_line,
        max(flagged.sigma_within_baseline) as sigma_within_baseline,
        max(flagged.baseline_subgroups) as baseline_subgroups,
        min(flagged.subgroup_date) as first_measured_date,
        max(flagged.subgroup_date) as last_measured_date
    from windows
    inner join flagged
        on windows.chart_key = flagged.chart_key
            and windows.subgroup_key = flagged.subgroup_key
    group by windows.chart_key, windows.period, windows.month_start
),

window_values as (
    select
        windows.chart_key,
        windows.period,
        windows.month_start,
        max(vals.product_id) as product_id,
        max(vals.characteristic_id) as characteristic_id,
        max(vals.characteristic_name) as characteristic_name,
        max(vals.line_id) as line_id,
        max(vals.spec_lsl) as spec_lsl,
        max(vals.spec_usl) as spec_usl,
        count(*) as n,
        avg(vals.measured_value) as mean_value,
        stddev_samp(vals.measured_value) as sigma_overall,
        sum(
            case
                when vals.measured_value < vals.spec_lsl or vals.measured_value > vals.spec_usl then 1 else 0
            end
        ) as out_of_spec_values
    from windows
    inner join vals
        on windows.chart_key = vals.chart_key
            and windows.subgroup_key = vals.subgroup_key
    group by windows.chart_key, windows.period, windows.month_start
),

sigmas as (
    select
        window_values.*,
        window_subgroups.subgroup_count,
        window_subgroups.min_n,
        window_subgroups.max_n,
        window_subgroups.xbar_we1_points,
        window_subgroups.xbar_we4_points,
        window_subgroups.r_points_beyond_limits,
        window_subgroups.xbar_center_line,
        window_subgroups.sigma_within_baseline,
        window_subgroups.baseline_subgroups,
        window_subgroups.first_measured_date,
        window_subgroups.last_measured_date,
        case
            when window_subgroups.min_n = window_subgroups.max_n and window_subgroups.d2 is not null then 'rbar_d2'
            when window_subgroups.max_n = 1 then 'mrbar_d2'
            else 'pooled_sd'
        end as sigma_within_method,
        case
            when window_subgroups.min_n = window_subgroups.max_n and window_subgroups.d2 is not null
                then window_subgroups.r_bar / window_subgroups.d2
            when window_subgroups.max_n = 1 then window_subgroups.mr_bar / 1.128
            when window_subgroups.pooled_df > 0 then sqrt(window_subgroups.pooled_ss / window_subgroups.pooled_df)
        end as sigma_within,
        case
            when window_subgroups.min_n = window_subgroups.max_n and window_subgroups.d2 is not null
                then 0.9 * window_subgroups.subgroup_count * (window_subgroups.min_n - 1)
            when window_subgroups.max_n = 1 then 0.62 * (window_subgroups.subgroup_count - 1)
            else window_subgroups.pooled_df
        end as df_within
    from window_values
    inner join window_subgroups
        on window_values.chart_key = window_subgroups.chart_key
            and window_values.period = window_subgroups.period
            and coalesce(window_values.month_start, cast('1900-01-01' as date))
            = coalesce(window_subgroups.month_start, cast('1900-01-01' as date))
),

indices as (
    select
        *,
        case when sigma_within > 0 and spec_lsl is not null and spec_usl is not null then (spec_usl - spec_lsl) / (6 * sigma_within) end
            as cp,
        case when sigma_within > 0 and spec_usl is not null then (spec_usl - mean_value) / (3 * sigma_within) end as cpu,
        case when sigma_within > 0 and spec_lsl is not null then (mean_value - spec_lsl) / (3 * sigma_within) end as cpl,
        case when sigma_overall > 0 and spec_lsl is not null and spec_usl is not null then (spec_usl - spec_lsl) / (6 * sigma_overall) end
            as pp,
        case when sigma_overall > 0 and spec_usl is not null then (spec_usl - mean_value) / (3 * sigma_overall) end as ppu,
        case when sigma_overall > 0 and spec_lsl is not null then (mean_value - spec_lsl) / (3 * sigma_overall) end as ppl
    from sigmas
),

with_k as (
    select
        *,
        case
            when cpu is not null and cpl is not null then least(cpu, cpl)
            else coalesce(cpu, cpl)
        end as cpk,
        case
            when ppu is not null and ppl is not null then least(ppu, ppl)
            else coalesce(ppu, ppl)
        end as ppk
    from indices
),

final as (
    select
        {{ surrogate_key(['chart_key', 'period', 'month_start']) }} as capability_key,
        period,
        month_start,
        product_id,
        line_id,
        characteristic_id,
        characteristic_name,
        cast(spec_lsl as {{ type_double() }}) as spec_lsl,
        cast(spec_usl as {{ type_double() }}) as spec_usl,
        spec_lsl is null or spec_usl is null as is_one_sided_spec,
        first_measured_date,
        last_measured_date,
        cast(n as bigint) as n,
        cast(subgroup_count as bigint) as subgroup_count,
        cast(min_n as bigint) as min_subgroup_size,
        cast(max_n as bigint) as max_subgroup_size,
        cast(mean_value as {{ type_double() }}) as mean_value,
        sigma_within_method,
        cast(sigma_within as {{ type_double() }}) as sigma_within,
        cast(sigma_overall as {{ type_double() }}) as sigma_overall,
        cast(df_within as {{ type_double() }}) as df_within,
        cast(cp as {{ type_double() }}) as cp,
        cast(cp * sqrt({{ chi2_quantile_over_df('-' ~ var('z95'), 'df_within') }}) as {{ type_double() }}) as cp_ci_low,
        cast(cp * sqrt({{ chi2_quantile_over_df(var('z95'), 'df_within') }}) as {{ type_double() }}) as cp_ci_high,
        cast(cpu as {{ type_double() }}) as cpu,
        cast(cpl as {{ type_double() }}) as cpl,
        cast(cpk as {{ type_double() }}) as cpk,
        cast(
            case when df_within > 0 then cpk - {{ var('z95') }} * sqrt(1.0 / (9.0 * n) + cpk * cpk / (2.0 * df_within)) end
            as {{ type_double() }}
        ) as cpk_ci_low,
        cast(
            case when df_within > 0 then cpk + {{ var('z95') }} * sqrt(1.0 / (9.0 * n) + cpk * cpk / (2.0 * df_within)) end
            as {{ type_double() }}
        ) as cpk_ci_high,
        cast(pp as {{ type_double() }}) as pp,
        cast(pp * sqrt({{ chi2_quantile_over_df('-' ~ var('z95'), 'n - 1') }}) as {{ type_double() }}) as pp_ci_low,
        cast(pp * sqrt({{ chi2_quantile_over_df(var('z95'), 'n - 1') }}) as {{ type_double() }}) as pp_ci_high,
        cast(ppu as {{ type_double() }}) as ppu,
        cast(ppl as {{ type_double() }}) as ppl,
        cast(ppk as {{ type_double() }}) as ppk,
        cast(
            case when n > 1 then ppk - {{ var('z95') }} * sqrt(1.0 / (9.0 * n) + ppk * ppk / (2.0 * (n - 1))) end
            as {{ type_double() }}
        ) as ppk_ci_low,
        cast(
            case when n > 1 then ppk + {{ var('z95') }} * sqrt(1.0 / (9.0 * n) + ppk * ppk / (2.0 * (n - 1))) end
            as {{ type_double() }}
        ) as ppk_ci_high,
        cast(
            case
                when sigma_overall > 0
                    then
                        1000000.0 * coalesce({{ norm_cdf('(spec_lsl - mean_value) / sigma_overall') }}, 0)
                        + 1000000.0 * coalesce(1 - {{ norm_cdf('(spec_usl - mean_value) / sigma_overall') }}, 0)
            end as {{ type_double() }}
        ) as expected_ppm_overall,
        cast(out_of_spec_values as bigint) as out_of_spec_values,
        cast(1000000.0 * out_of_spec_values / n as {{ type_double() }}) as observed_ppm,
        case
            when cpk >= 1.67 then '>=1.67'
            when cpk >= 1.33 then '>=1.33'
            when cpk >= 1.00 then '>=1.00'
            when cpk is not null then '<1.00'
        end as cpk_class,
        cast(xbar_center_line as {{ type_double() }}) as xbar_r_center_line,
        cast(sigma_within_baseline as {{ type_double() }}) as xbar_r_sigma_within_phase1,
        cast(baseline_subgroups as bigint) as xbar_r_phase1_subgroups,
        cast(xbar_we1_points as bigint) as xbar_we1_points,
        cast(xbar_we4_points as bigint) as xbar_we4_points,
        cast(r_points_beyond_limits as bigint) as r_points_beyond_limits,
        cast(xbar_we1_points + xbar_we4_points + r_points_beyond_limits as bigint) as xbar_r_signal_points,
        cast(
            floor(
                subgroup_count * {{ var('xbar_r_false_alarm_p') }}
                + 2.326 * sqrt(subgroup_count * {{ var('xbar_r_false_alarm_p') }})
            ) as bigint
        ) as xbar_r_chance_signal_allowance,
        xbar_we1_points + xbar_we4_points + r_points_beyond_limits
        <= floor(
            subgroup_count * {{ var('xbar_r_false_alarm_p') }}
            + 2.326 * sqrt(subgroup_count * {{ var('xbar_r_false_alarm_p') }})
        ) as is_stable_xbar_r,
        coalesce(sigma_within = 0, false) or coalesce(sigma_overall = 0, false) as is_zero_variance,
        n < {{ var('capability_small_sample_n') }} as is_small_sample
    from with_k
),

-- the product family as it is today, so the dashboards' product-family filter applies to capability
families as (
    select
        product_id,
        product_family
    from {{ ref('dim_product') }}
    where is_current
)

select
    final.*,
    coalesce(families.product_family, 'Unknown') as product_family
from final
left join families on final.product_id = families.product_id
