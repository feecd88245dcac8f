with source as (
    select * from {{ source('crm', 'crm_account_history') }}
),

deduplicated as (
    select
        *,
        row_number() over (partition by id order by _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        id as account_history_id,
        account_id,
        field as field_name,
        old_value,
        new_value,
        created_date as changed_at
    from deduplicated
    where version_rank = 1
)

select * from renamed
