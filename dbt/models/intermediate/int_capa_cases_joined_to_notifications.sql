-- One row per CAPA case with the quality notification that opened it (type, source, material, plant, line,
-- CRM case), its first root cause (catalog type 5) and its action counts; plus the date the data runs to.
with capa as (
    select * from {{ ref('stg_erp__capa_cases') }}
),

notifications as (
    select * from {{ ref('stg_erp__quality_notifications') }}
),

causes as (
    select
        notification_id,
        cause_code_group,
        cause_code,
        row_number() over (partition by notification_id order by defect_item, cause_no) as cause_rank
    from {{ ref('stg_erp__notification_causes') }}
    where catalog_type = '5'
),

actions as (
    select
        capa_id,
        count(*) as action_count,
        cast(sum(case when completed_date is not null then 1 else 0 end) as bigint) as actions_completed
    from {{ ref('stg_erp__capa_actions') }}
    where capa_id is not null
    group by capa_id
),

as_of as (
    select max(notification_date) as as_of_date from notifications
),

joined as (
    select
        capa.capa_id,
        capa.notification_id,
        notifications.notification_type,
        case
            when notifications.notification_type = 'Q1' then 'customer complaint'
            when notifications.notification_type = 'Q2' then 'supplier nonconformance'
            when notifications.notification_type = 'Q3' then 'internal nonconformance'
            else 'unknown'
        end as capa_source,
        notifications.case_id,
        notifications.product_id,
        notifications.supplier_id,
        notifications.plant_id,
        notifications.line_id,
        causes.cause_code_group,
        causes.cause_code,
        capa.capa_type,
        capa.owner_employee_id,
        capa.opened_date,
        capa.due_date,
        capa.plan_completed_date,
        capa.do_completed_date,
        capa.check_completed_date,
        capa.act_completed_date,
        capa.current_phase,
        capa.effectiveness_result,
        coalesce(actions.action_count, 0) as action_count,
        coalesce(actions.actions_completed, 0) as actions_completed,
        as_of.as_of_date
    from capa
    left join notifications on capa.notification_id = notifications.notification_id
    left join causes on capa.notification_id = causes.notification_id and causes.cause_rank = 1
    left join actions on capa.capa_id = actions.capa_id
    cross join as_of
)

select * from joined
