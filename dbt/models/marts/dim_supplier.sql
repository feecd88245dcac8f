-- Type-2 supplier dimension (grain = supplier_id × valid_from) from the dbt snapshot of the vendor master;
-- the first version is valid from 1900-01-01. Plus '-1' (unknown) and '-3' (not applicable: lots that
-- have no supplier, such as in-process and final inspection).
with snapshot as (
    select * from {{ ref('snp_erp__suppliers') }}
),

suppliers as (
    select
        {{ surrogate_key(['supplier_id', 'dbt_valid_from']) }} as supplier_key,
        supplier_id,
        supplier_name,
        country,
        {{ snapshot_validity('supplier_id') }}
    from snapshot
),

special_members as (
    select
        '-1' as supplier_key,
        '-1' as supplier_id,
        'Unknown' as supplier_name,
        'Unknown' as country,
        cast('1900-01-01 00:00:00+00' as {{ type_timestamptz() }}) as valid_from,
        cast('9999-12-31 00:00:00+00' as {{ type_timestamptz() }}) as valid_to,
        true as is_current
    union all
    select
        '-3' as supplier_key,
        '-3' as supplier_id,
        'Not applicable' as supplier_name,
        'Not applicable' as country,
        cast('1900-01-01 00:00:00+00' as {{ type_timestamptz() }}) as valid_from,
        cast('9999-12-31 00:00:00+00' as {{ type_timestamptz() }}) as valid_to,
        true as is_current
),

final as (
    select * from suppliers
    union all
    select * from special_members
)

select * from final
