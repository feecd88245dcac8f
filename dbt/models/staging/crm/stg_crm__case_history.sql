with source as (
    select * from {{ source('crm', 'crm_case_history') }}
),

deduplicated as (
    select
        *,
        row_number() over (partition by id order by _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        id as case_history_id,
        case_id,
        field as field_name,
        old_value as old_status,
        new_value as new_status,
        created_date as changed_at,
        _loaded_at
    from deduplicated
    where version_rank = 1 and field = 'Status'
)

select * from renamed
