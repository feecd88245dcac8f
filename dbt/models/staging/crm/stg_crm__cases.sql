-- Latest version of each case. Subject and description are free text that can carry PII: not carried on.
with source as (
    select * from {{ source('crm', 'crm_cases') }}
),

ranked as (
    select
        *,
        row_number() over (partition by id order by system_modstamp desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        id as case_id,
        case_number,
        account_id,
        contact_id,
        type as case_type,
        status,
        closed_date as closed_at,
        created_date as created_at,
        system_modstamp as modified_at,
        order_number_c as order_id,
        delivery_number_c as delivery_id,
        batch_number_c as batch_id,
        complaint_quantity_c as complaint_qty,
        lower(coalesce(origin, 'unknown')) as channel_code,
        coalesce(reason, 'Unclassified') as complaint_category,
        coalesce(priority, 'Medium') as priority,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_escalated, false) as is_escalated,
        coalesce(is_justified_c, true) as is_justified,
        coalesce(first_contact_resolution_c, false) as is_first_contact_resolution,
        _loaded_at
    from ranked
    where version_rank = 1 and not coalesce(is_deleted, false)
)

select * from renamed
