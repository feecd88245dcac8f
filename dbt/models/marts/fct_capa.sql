-- One row per CAPA / 8D case (accumulating snapshot over the PDCA phases plan → do → check → act → closed),
-- linked to the root cause (6M) and the notification (and CRM complaint) that opened it, with cycle time,
-- on-time closure, effectiveness verified at check and recurrence after closure.
with capa as (
    select * from {{ ref('int_capa_cases_joined_to_notifications') }}
),

recurrence as (
    select * from {{ ref('int_capa_recurrence') }}
),

root_causes as (
    select * from {{ ref('dim_root_cause') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

employees as (
    select * from {{ ref('dim_employee') }}
),

joined as (
    select
        {{ surrogate_key(['capa.capa_id']) }} as capa_key,
        capa.capa_id,
        capa.notification_id,
        capa.notification_type,
        capa.capa_source,
        capa.case_id,
        coalesce(capa.capa_type, 'Unknown') as capa_type,
        coalesce(root_causes.root_cause_key, '-1') as root_cause_key,
        coalesce(products.product_key, '-1') as product_key,
        coalesce(employees.employee_key, '-1') as owner_employee_key,
        capa.product_id,
        capa.supplier_id,
        capa.plant_id,
        capa.line_id,
        capa.opened_date,
        capa.due_date,
        capa.plan_completed_date,
        capa.do_completed_date,
        capa.check_completed_date,
        capa.act_completed_date,
        capa.act_completed_date as closed_date,
        case
            when capa.act_completed_date is not null then 'closed'
            when capa.check_completed_date is not null then 'act'
            when capa.do_completed_date is not null then 'check'
            when capa.plan_completed_date is not null then 'do'
            else 'plan'
        end as pdca_phase,
        capa.act_completed_date is not null as is_closed,
        {{ days_between('capa.opened_date', 'capa.plan_completed_date') }} as plan_days,
        {{ days_between('capa.plan_completed_date', 'capa.do_completed_date') }}
            as do_days,
        {{ days_between('capa.do_completed_date', 'capa.check_completed_date') }}
            as check_days,
        {{ days_between('capa.check_completed_date', 'capa.act_completed_date') }}
            as act_days,
        {{ days_between('capa.opened_date', 'capa.act_completed_date') }} as cycle_time_days,
        case
            when capa.act_completed_date is not null then capa.act_completed_date <= capa.due_date
        end as is_closed_on_time,
        greatest(
            0,
            {{ days_between('capa.due_date', 'coalesce(capa.act_completed_date, capa.as_of_date)') }}
        ) as days_overdue,
        case
            when capa.check_completed_date is null or capa.effectiveness_result is null then 'pending'
            else lower(capa.effectiveness_result)
        end as effectiveness_status,
        case
            when capa.check_completed_date is not null and capa.effectiveness_result is not null
                then capa.effectiveness_result = 'EFFECTIVE'
        end as is_verified_effective,
        recurrence.recurrence_window_end_date,
        coalesce(recurrence.is_recurrence_window_matured, false) as is_recurrence_window_matured,
        coalesce(recurrence.recurrence_count, 0) as recurrence_count,
        recurrence.has_recurrence,
        capa.action_count,
        capa.actions_completed,
        capa.as_of_date
    from capa
    left join recurrence on capa.capa_id = recurrence.capa_id
    left join root_causes
        on capa.cause_code_group = root_causes.code_group and capa.cause_code = root_causes.code
    left join products
        on capa.product_id = products.product_id
            and cast(capa.opened_date as {{ type_timestamptz() }}) >= products.valid_from
            and cast(capa.opened_date as {{ type_timestamptz() }}) < products.valid_to
    left join employees
        on capa.owner_employee_id = employees.employee_id
            and cast(capa.opened_date as {{ type_timestamptz() }}) >= employees.valid_from
            and cast(capa.opened_date as {{ type_timestamptz() }}) < employees.valid_to
)

select * from joined
