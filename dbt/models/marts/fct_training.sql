-- One row per training completion (grain = employee × course × completion date), with the employee's
-- version (team, role) as of the completion date, whether the course is required for that role by the
-- training matrix, and until when the completion counts.
with completions as (
    select * from {{ ref('stg_erp__training_records') }}
),

employees as (
    select * from {{ ref('dim_employee') }}
),

requirements as (
    select * from {{ ref('seed_training_requirements') }}
),

joined as (
    select
        {{ surrogate_key(['completions.employee_id', 'completions.course_id', 'completions.completed_date']) }} as training_key,
        coalesce(employees.employee_key, '-1') as employee_key,
        completions.employee_id,
        completions.course_id,
        completions.course_title,
        completions.course_category,
        completions.completed_date,
        completions.valid_until_date,
        cast(completions.training_hours as {{ type_double() }}) as training_hours,
        cast(completions.score as {{ type_double() }}) as score,
        completions.is_passed,
        completions.is_required as is_required_in_source,
        exists(
            select 1 from requirements
            where requirements.course_id = completions.course_id
                and (requirements.job_role = employees.job_role or requirements.job_role = '*')
        ) as is_required_for_role
    from completions
    left join employees
        on completions.employee_id = employees.employee_id
            and cast(completions.completed_date as {{ type_timestamptz() }}) >= employees.valid_from
            and cast(completions.completed_date as {{ type_timestamptz() }}) < employees.valid_to
)

select * from joined
