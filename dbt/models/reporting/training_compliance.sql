-- Training compliance per month × team × job role (grain), plus one company row per month (team and role
-- 'All'): required trainings (employee × course the training matrix requires), compliant ones (a passed
-- completion valid at month end), overdue ones (missing past the grace period after hiring), required
-- courses taken during the month, and the training hours booked. Rates are ratios of sums with Wilson intervals.
with coverage as (
    select * from {{ ref('int_training_requirements_expanded_to_months') }}
),

completions as (
    select * from {{ ref('fct_training') }}
),

employees as (
    select * from {{ ref('dim_employee') }}
),

hours as (
    select
        cast({{ dbt.date_trunc('month', 'completions.completed_date') }} as date) as month_start,
        coalesce(employees.team_name, 'Unknown') as team_name,
        coalesce(employees.job_role, 'Unknown') as job_role,
        sum(completions.training_hours) as training_hours
    from completions
    left join employees on completions.employee_key = employees.employee_key
    group by
        cast({{ dbt.date_trunc('month', 'completions.completed_date') }} as date),
        coalesce(employees.team_name, 'Unknown'),
        coalesce(employees.job_role, 'Unknown')
),

by_team as (
    select
        month_start,
        team_name,
        job_role,
        count(distinct employee_id) as employees,
        count(*) as required_trainings,
        sum(case when is_compliant then 1 else 0 end) as compliant_trainings,
        sum(case when is_overdue then 1 else 0 end) as overdue_trainings,
        sum(case when is_taken_in_month then 1 else 0 end) as required_taken_in_month
    from coverage
    group by month_start, team_name, job_role
),

company as (
    select
        month_start,
        'All' as team_name,
        'All' as job_role,
        count(distinct employee_id) as employees,
        count(*) as required_trainings,
        sum(case when is_compliant then 1 else 0 end) as compliant_trainings,
        sum(case when is_overdue then 1 else 0 end) as overdue_trainings,
        sum(case when is_taken_in_month then 1 else 0 end) as required_taken_in_month
    from coverage
    group by month_start
),

company_hours as (
    select
        month_start,
        'All' as team_name,
        'All' as job_role,
        sum(training_hours) as training_hours
    from hours
    group by month_start
),

counts as (
    select
        by_team.*,
        coalesce(hours.training_hours, 0) as training_hours
    from by_team
    left join hours
        on by_team.month_start = hours.month_start
            and by_team.team_name = hours.team_name
            and by_team.job_role = hours.job_role
    union all
    select
        company.*,
        coalesce(company_hours.training_hours, 0) as training_hours
    from company
    left join company_hours on company.month_start = company_hours.month_start
),

final as (
    select
        month_start,
        team_name,
        job_role,
        cast(employees as bigint) as employees,
        cast(required_trainings as bigint) as required_trainings,
        cast(compliant_trainings as bigint) as compliant_trainings,
        cast(overdue_trainings as bigint) as overdue_trainings,
        cast(required_taken_in_month as bigint) as required_taken_in_month,
        cast(training_hours as {{ type_double() }}) as training_hours,
        cast({{ safe_ratio('training_hours', 'employees') }} as {{ type_double() }}) as training_hours_per_employee,
        cast({{ safe_ratio('compliant_trainings', 'required_trainings') }} as {{ type_double() }}) as compliance_rate,
        cast({{ wilson_low('compliant_trainings', 'required_trainings') }} as {{ type_double() }}) as compliance_ci_low,
        cast({{ wilson_high('compliant_trainings', 'required_trainings') }} as {{ type_double() }}) as compliance_ci_high,
        cast({{ safe_ratio('overdue_trainings', 'required_trainings') }} as {{ type_double() }}) as overdue_rate,
        cast({{ wilson_low('overdue_trainings', 'required_trainings') }} as {{ type_double() }}) as overdue_ci_low,
        cast({{ wilson_high('overdue_trainings', 'required_trainings') }} as {{ type_double() }}) as overdue_ci_high,
        cast({{ safe_ratio('required_taken_in_month', 'required_trainings') }} as {{ type_double() }}) as monthly_completion_rate,
        cast({{ wilson_low('required_taken_in_month', 'required_trainings') }} as {{ type_double() }}) as monthly_completion_ci_low,
        cast({{ wilson_high('required_taken_in_month', 'required_trainings') }} as {{ type_double() }}) as monthly_completion_ci_high,
        required_trainings < {{ var('small_sample_n') }} as is_small_sample
    from counts
)

select * from final
