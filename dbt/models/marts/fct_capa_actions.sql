-- One row per CAPA action item (grain = notification × task number): containment, corrective and preventive
-- actions with their preventive lever (process, training, equipment), PDCA phase, responsible employee,
-- due and completion dates.
with actions as (
    select * from {{ ref('stg_erp__capa_actions') }}
),

capa as (
    select * from {{ ref('fct_capa') }}
),

employees as (
    select * from {{ ref('dim_employee') }}
),

joined as (
    select
        {{ surrogate_key(['actions.notification_id', 'actions.task_no']) }} as capa_action_key,
        coalesce(capa.capa_key, '-1') as capa_key,
        coalesce(employees.employee_key, '-1') as responsible_employee_key,
        actions.capa_id,
        actions.notification_id,
        actions.task_no,
        actions.task_code_group,
        actions.task_code,
        actions.task_text,
        case
            when actions.task_code_group = 'CONT' then 'containment'
            when actions.task_code_group = 'VERI' then 'verification'
            when actions.task_code_group = 'STD' then 'preventive'
            else 'corrective'
        end as action_type,
        coalesce(lower(actions.preventive_lever), 'unknown') as preventive_lever,
        case actions.pdca_phase
            when 'P' then 'plan'
            when 'D' then 'do'
            when 'C' then 'check'
            when 'A' then 'act'
            else 'unknown'
        end as pdca_phase,
        actions.planned_start_date,
        actions.due_date,
        actions.completed_date,
        actions.completed_date is not null as is_completed,
        case when actions.completed_date is not null then actions.completed_date <= actions.due_date end
            as is_completed_on_time,
        {{ days_between('actions.planned_start_date', 'actions.completed_date') }}
            as days_to_complete
    from actions
    left join capa on actions.capa_id = capa.capa_id
    left join employees
        on actions.responsible_employee_id = employees.employee_id
            and cast(actions.planned_start_date as {{ type_timestamptz() }}) >= employees.valid_from
            and cast(actions.planned_start_date as {{ type_timestamptz() }}) < employees.valid_to
)

select * from joined
