-- One row per supplier corrective action request (SCAR): a supplier quality notification (type Q2, raised when
-- an incoming lot is rejected) with the supplier it was addressed to, when it was issued and when it was
-- closed. The response target comes from seed_supplier_scorecard_config (scar_response_target_days).
with notifications as (
    select * from {{ ref('stg_erp__quality_notifications') }}
    where notification_type = 'Q2' and supplier_id is not null
),

config as (
    select max(case when parameter = 'scar_response_target_days' then value end) as target_days
    from {{ ref('seed_supplier_scorecard_config') }}
),

scars as (
    select
        notifications.notification_id as scar_id,
        notifications.supplier_id,
        notifications.product_id,
        notifications.inspection_lot_id,
        notifications.notification_date as issued_date,
        notifications.completed_date as closed_date,
        cast({{ dbt.dateadd('day', 'cast(config.target_days as integer)', 'notifications.notification_date') }} as date)
            as target_date,
        case
            when notifications.completed_date is not null
                then {{ days_between('notifications.notification_date', 'notifications.completed_date') }}
        end as response_days
    from notifications
    cross join config
)

select * from scars
