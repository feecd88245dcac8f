with source as (
    select * from {{ source('crm', 'crm_accounts') }}
),

ranked as (
    select
        *,
        row_number() over (partition by id order by system_modstamp desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        id as account_id,
        erp_customer_no_c as customer_id,
        name as account_name,
        industry,
        segment_c as segment,
        tier_c as tier,
        region_c as region,
        billing_country as country,
        created_date as created_at,
        system_modstamp as modified_at,
        coalesce(is_deleted, false) as is_deleted
    from ranked
    where version_rank = 1
)

select * from renamed
