-- Type-2 customer dimension: one row per account version (segment changes), plus the unknown member '-1'.
with accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

versions as (
    select * from {{ ref('int_customer_versions_built_from_history') }}
),

versioned as (
    select
        {{ surrogate_key(['versions.account_id', 'versions.valid_from']) }} as customer_key,
        accounts.customer_id,
        versions.account_id,
        versions.segment,
        accounts.tier,
        accounts.region,
        accounts.industry,
        accounts.country,
        versions.valid_from,
        versions.valid_to,
        versions.valid_to >= cast('9999-01-01 00:00:00+00' as {{ type_timestamptz() }}) as is_current
    from versions
    inner join accounts on versions.account_id = accounts.account_id
),

unknown_member as (
    select
        '-1' as customer_key,
        '-1' as customer_id,
        '-1' as account_id,
        'Unknown' as segment,
        'Unknown' as tier,
        'Unknown' as region,
        'Unknown' as industry,
        'Unknown' as country,
        cast('1900-01-01 00:00:00+00' as {{ type_timestamptz() }}) as valid_from,
        cast('9999-12-31 00:00:00+00' as {{ type_timestamptz() }}) as valid_to,
        true as is_current
),

final as (
    select * from versioned
    union all
    select * from unknown_member
)

select * from final
