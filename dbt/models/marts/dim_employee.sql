-- Type-2 employee dimension (grain = employee_id × valid_from) from the dbt snapshot of the HR
-- organisational assignment: team, team type, job role, plant and line as they were; the first version is
-- valid from 1900-01-01. Plus '-1' (unknown). Names stop in staging: only the personnel number is kept.
with snapshot as (
    select * from {{ ref('snp_erp__employees') }}
),

employees as (
    select
        {{ surrogate_key(['employee_id', 'dbt_valid_from']) }} as employee_key,
        employee_id,
        coalesce(team_name, 'Unknown') as team_name,
        coalesce(team_type, 'Unknown') as team_type,
        coalesce(job_role, 'Unknown') as job_role,
        coalesce(plant_id, '-1') as plant_id,
        line_id,
        hired_date,
        left_date,
        {{ snapshot_validity('employee_id') }}
    from snapshot
),

unknown_member as (
    select
        '-1' as employee_key,
        '-1' as employee_id,
        'Unknown' as team_name,
        'Unknown' as team_type,
        'Unknown' as job_role,
        '-1' as plant_id,
        cast(null as {{ dbt.type_string() }}) as line_id,
        cast(null as date) as hired_date,
        cast(null as date) as left_date,
        cast('1900-01-01 00:00:00+00' as {{ type_timestamptz() }}) as valid_from,
        cast('9999-12-31 00:00:00+00' as {{ type_timestamptz() }}) as valid_to,
        true as is_current
),

final as (
    select * from employees
    union all
    select * from unknown_member
)

select * from final
