-- CAPA / 8D cases through the PDCA phases per month × case type (grain; plus type 'All'): cases opened and
-- closed, open at month end in each phase (plan, do, check, act) and overdue, cycle time of the cases closed
-- (median, p90 days), on-time closure (closed on or before the due date / cases due in the month),
-- effectiveness (verified effective / effectiveness checks completed in the month) and recurrence (closed in
-- the month, recurrence window matured, root cause back on the same material / those cases).
with capa as (
    select * from {{ ref('fct_capa') }}
),

typed as (
    select
        capa.capa_type as case_type,
        capa.*
    from capa
    union all
    select
        'All' as case_type,
        capa.*
    from capa
),

bounds as (
    select
        min(opened_date) as first_date,
        max(as_of_date) as last_date
    from capa
),

months as (
    select distinct
        dim_date.month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'dim_date.month_start')) }} as date) as month_end
    from {{ ref('dim_date') }} as dim_date
    cross join bounds
    where dim_date.date_day between bounds.first_date and bounds.last_date
),

case_types as (
    select distinct case_type from typed
),

spine as (
    select
        months.month_start,
        months.month_end,
        case_types.case_type
    from months
    cross join case_types
),

open_at_month_end as (
    select
        spine.month_start,
        spine.case_type,
        count(*) as open_cases,
        sum(case when typed.plan_completed_date is null or typed.plan_completed_date > spine.month_end then 1 else 0 end)
            as open_in_plan,
        sum(
            case
                when typed.plan_completed_date <= spine.month_end
                    and (typed.do_completed_date is null or typed.do_completed_date > spine.month_end) then 1
                else 0
            end
        ) as open_in_do,
        sum(
            case
                when typed.do_completed_date <= spine.month_end
                    and (typed.check_completed_date is null or typed.check_completed_date > spine.month_end) then 1
                else 0
            end
        ) as open_in_check,
        sum(case when typed.check_completed_date <= spine.month_end then 1 else 0 end) as open_in_act,
        sum(case when typed.due_date < spine.month_end then 1 else 0 end) as open_overdue
    from spine
    inner join typed
        on spine.case_type = typed.case_type
            and spine.month_end >= typed.opened_date
            and (typed.closed_date is null or spine.month_end < typed.closed_date)
    group by spine.month_start, spine.case_type
),

opened as (
    select
        cast({{ dbt.date_trunc('month', 'opened_date') }} as date) as month_start,
        case_type,
        count(*) as opened_cases
    from typed
    group by cast({{ dbt.date_trunc('month', 'opened_date') }} as date), case_type
),

closed as (
    select
        cast({{ dbt.date_trunc('month', 'closed_date') }} as date) as month_start,
        case_type,
        count(*) as closed_cases,
        percentile_cont(0.5) within group (order by cycle_time_days) as cycle_time_days_median,
        percentile_cont(0.9) within group (order by cycle_time_days) as cycle_time_days_p90,
        sum(case when is_recurrence_window_matured then 1 else 0 end) as recurrence_checked,
        sum(case when is_recurrence_window_matured and has_recurrence then 1 else 0 end) as recurred
    from typed
    where closed_date is not null
    group by cast({{ dbt.date_trunc('month', 'closed_date') }} as date), case_type
),

due as (
    select
        cast({{ dbt.date_trunc('month', 'due_date') }} as date) as month_start,
        case_type,
        count(*) as due_cases,
        sum(case when closed_date <= due_date then 1 else 0 end) as closed_on_time
    from typed
    where due_date <= as_of_date
    group by cast({{ dbt.date_trunc('month', 'due_date') }} as date), case_type
),

checked as (
    select
        cast({{ dbt.date_trunc('month', 'check_completed_date') }} as date) as month_start,
        case_type,
        count(*) as effectiveness_checked,
        sum(case when is_verified_effective then 1 else 0 end) as verified_effective
    from typed
    where is_verified_effective is not null
    group by cast({{ dbt.date_trunc('month', 'check_completed_date') }} as date), case_type
),

counts as (
    select
        spine.month_start,
        spine.case_type,
        coalesce(opened.opened_cases, 0) as opened_cases,
        coalesce(closed.closed_cases, 0) as closed_cases,
        coalesce(open_at_month_end.open_cases, 0) as open_cases,
        coalesce(open_at_month_end.open_in_plan, 0) as open_in_plan,
        coalesce(open_at_month_end.open_in_do, 0) as open_in_do,
        coalesce(open_at_month_end.open_in_check, 0) as open_in_check,
        coalesce(open_at_month_end.open_in_act, 0) as open_in_act,
        coalesce(open_at_month_end.open_overdue, 0) as open_overdue,
        closed.cycle_time_days_median,
        closed.cycle_time_days_p90,
        coalesce(due.due_cases, 0) as due_cases,
        coalesce(due.closed_on_time, 0) as closed_on_time,
        coalesce(checked.effectiveness_checked, 0) as effectiveness_checked,
        coalesce(checked.verified_effective, 0) as verified_effective,
        coalesce(closed.recurrence_checked, 0) as recurrence_checked,
        coalesce(closed.recurred, 0) as recurred
    from spine
    left join opened on spine.month_start = opened.month_start and spine.case_type = opened.case_type
    left join closed on spine.month_start = closed.month_start and spine.case_type = closed.case_type
    left join open_at_month_end
        on spine.month_start = open_at_month_end.month_start and spine.case_type = open_at_month_end.case_type
    left join due on spine.month_start = due.month_start and spine.case_type = due.case_type
    left join checked on spine.month_start = checked.month_start and spine.case_type = checked.case_type
),

final as (
    select
        month_start,
        case_type,
        cast(opened_cases as bigint) as opened_cases,
        cast(closed_cases as bigint) as closed_cases,
        cast(open_cases as bigint) as open_cases,
        cast(open_in_plan as bigint) as open_in_plan,
        cast(open_in_do as bigint) as open_in_do,
        cast(open_in_check as bigint) as open_in_check,
        cast(open_in_act as bigint) as open_in_act,
        cast(open_overdue as bigint) as open_overdue,
        cast({{ safe_ratio('open_overdue', 'open_cases') }} as {{ type_double() }}) as overdue_rate,
        cast(cycle_time_days_median as {{ type_double() }}) as cycle_time_days_median,
        cast(cycle_time_days_p90 as {{ type_double() }}) as cycle_time_days_p90,
        cast(due_cases as bigint) as due_cases,
        cast(closed_on_time as bigint) as closed_on_time,
        cast({{ safe_ratio('closed_on_time', 'due_cases') }} as {{ type_double() }}) as on_time_closure_rate,
        cast({{ wilson_low('closed_on_time', 'due_cases') }} as {{ type_double() }}) as on_time_closure_ci_low,
        cast({{ wilson_high('closed_on_time', 'due_cases') }} as {{ type_double() }}) as on_time_closure_ci_high,
        due_cases < {{ var('small_sample_n') }} as is_small_sample_on_time,
        cast(effectiveness_checked as bigint) as effectiveness_checked,
        cast(verified_effective as bigint) as verified_effective,
        cast({{ safe_ratio('verified_effective', 'effectiveness_checked') }} as {{ type_double() }}) as effectiveness_rate,
        cast({{ wilson_low('verified_effective', 'effectiveness_checked') }} as {{ type_double() }}) as effectiveness_ci_low,
        cast({{ wilson_high('verified_effective', 'effectiveness_checked') }} as {{ type_double() }}) as effectiveness_ci_high,
        effectiveness_checked < {{ var('small_sample_n') }} as is_small_sample_effectiveness,
        cast(recurrence_checked as bigint) as recurrence_checked,
        cast(recurred as bigint) as recurred,
        cast({{ safe_ratio('recurred', 'recurrence_checked') }} as {{ type_double() }}) as recurrence_rate,
        cast({{ wilson_low('recurred', 'recurrence_checked') }} as {{ type_double() }}) as recurrence_ci_low,
        cast({{ wilson_high('recurred', 'recurrence_checked') }} as {{ type_double() }}) as recurrence_ci_high,
        recurrence_checked < {{ var('small_sample_n') }} as is_small_sample_recurrence
    from counts
)

select * from final
