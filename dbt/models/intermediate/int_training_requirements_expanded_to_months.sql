-- Factless coverage (grain = employee × required course × month): every month an employee was employed,
-- each course the training matrix requires for the role held at month end, whether a passed completion was
-- valid at month end (compliant), whether it is missing past the grace period after hiring (overdue), and
-- whether the course was taken during the month.
with employees as (
    select * from {{ ref('dim_employee') }}
    where employee_key <> '-1'
),

requirements as (
    select * from {{ ref('seed_training_requirements') }}
),

completions as (
    select * from {{ ref('fct_training') }}
),

bounds as (
    select
        cast({{ dbt.date_trunc('month', 'min(completed_date)') }} as date) as first_month,
        cast({{ dbt.date_trunc('month', 'max(completed_date)') }} as date) as last_month
    from completions
),

months as (
    select distinct
        dim_date.month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'dim_date.month_start')) }} as date) as month_end
    from {{ ref('dim_date') }} as dim_date
    cross join bounds
    where dim_date.month_start between bounds.first_month and bounds.last_month
),

employed as (
    select
        months.month_start,
        months.month_end,
        employees.employee_key,
        employees.employee_id,
        employees.team_name,
        employees.job_role,
        employees.hired_date
    from months
    inner join employees
        on cast(months.month_end as {{ type_timestamptz() }}) >= employees.valid_from
            and cast(months.month_end as {{ type_timestamptz() }}) < employees.valid_to
    where (employees.hired_date is null or employees.hired_date <= months.month_end)
        and (employees.left_date is null or employees.left_date > months.month_start)
),

required as (
    select
        employed.*,
        requirements.course_id,
        requirements.grace_days,
        {{ days_between('employed.hired_date', 'employed.month_end') }} as days_employed
    from employed
    inner join requirements
        on employed.job_role = requirements.job_role or requirements.job_role = '*'
),

measured as (
    select
        required.month_start,
        required.employee_key,
        required.employee_id,
        required.team_name,
        required.job_role,
        required.course_id,
        max(
            case
                when completions.is_passed
                    and completions.completed_date <= required.month_end
                    and (completions.valid_until_date is null or completions.valid_until_date >= required.month_end)
                    then 1
                else 0
            end
        ) as is_compliant,
        max(
            case when completions.completed_date between required.month_start and required.month_end then 1 else 0 end
        ) as is_taken_in_month,
        max(
            case
                when required.hired_date is null then 1
                when required.days_employed > required.grace_days then 1
                else 0
            end
        ) as is_past_grace
    from required
    left join completions
        on required.employee_id = completions.employee_id and required.course_id = completions.course_id
    group by 1, 2, 3, 4, 5, 6
),

final as (
    select
        month_start,
        employee_key,
        employee_id,
        team_name,
        job_role,
        course_id,
        is_compliant = 1 as is_compliant,
        is_compliant = 0 and is_past_grace = 1 as is_overdue,
        is_taken_in_month = 1 as is_taken_in_month
    from measured
)

select * from final
