-- Contacts without raw PII: the email survives only as a hash, names and phone are dropped.
with source as (
    select * from {{ source('crm', 'crm_contacts') }}
),

ranked as (
    select
        *,
        row_number() over (partition by id order by system_modstamp desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        id as contact_id,
        account_id,
        title,
        {{ dbt.hash("lower(trim(email))") }} as email_hash,
        system_modstamp as modified_at,
        coalesce(is_deleted, false) as is_deleted
    from ranked
    where version_rank = 1
)

select * from renamed
