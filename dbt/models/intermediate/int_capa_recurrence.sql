-- For every closed CAPA: did its root cause come back on the same material within the recurrence window
-- (var capa_recurrence_window_days, default 180) after closure, as another quality notification with the
-- same cause code? The window has matured when it ended on or before the date the data runs to; a recurrence
-- on another material is out of scope here (a systemic signal, tracked separately).
with capa as (
    select * from {{ ref('int_capa_cases_joined_to_notifications') }}
    where act_completed_date is not null
),

notifications as (
    select * from {{ ref('stg_erp__quality_notifications') }}
),

causes as (
    select * from {{ ref('stg_erp__notification_causes') }}
    where catalog_type = '5'
),

later as (
    select
        capa.capa_id,
        count(distinct notifications.notification_id) as recurrences
    from capa
    inner join causes
        on capa.cause_code_group = causes.cause_code_group
            and capa.cause_code = causes.cause_code
            and capa.notification_id <> causes.notification_id
    inner join notifications
        on causes.notification_id = notifications.notification_id
            and capa.product_id = notifications.product_id
    where notifications.notification_date > capa.act_completed_date
        and notifications.notification_date
        <= cast({{ dbt.dateadd('day', var('capa_recurrence_window_days'), 'capa.act_completed_date') }} as date)
    group by capa.capa_id
),

final as (
    select
        capa.capa_id,
        cast({{ dbt.dateadd('day', var('capa_recurrence_window_days'), 'capa.act_completed_date') }} as date)
            as recurrence_window_end_date,
        cast({{ dbt.dateadd('day', var('capa_recurrence_window_days'), 'capa.act_completed_date') }} as date)
        <= capa.as_of_date as is_recurrence_window_matured,
        coalesce(later.recurrences, 0) as recurrence_count,
        coalesce(later.recurrences, 0) > 0 as has_recurrence
    from capa
    left join later on capa.capa_id = later.capa_id
)

select * from final
