-- Type-2 product dimension (grain = product_id × valid_from) from the dbt snapshot of the material master:
-- a new version whenever family, line, spec limits or defect opportunities change. The first version of
-- each product is valid from 1900-01-01 so that history loaded on day one finds it. Plus '-1'.
with snapshot as (
    select * from {{ ref('snp_erp__materials') }}
),

products as (
    select
        {{ surrogate_key(['product_id', 'dbt_valid_from']) }} as product_key,
        product_id,
        product_name,
        product_family,
        plant_id,
        line_id,
        unit_of_measure,
        spec_lsl,
        spec_target,
        spec_usl,
        defect_opportunities_per_unit,
        standard_cost,
        list_price,
        warranty_months,
        {{ snapshot_validity('product_id') }}
    from snapshot
),

unknown_member as (
    select
        '-1' as product_key,
        '-1' as product_id,
        'Unknown' as product_name,
        'Unknown' as product_family,
        'Unknown' as plant_id,
        'Unknown' as line_id,
        cast(null as {{ dbt.type_string() }}) as unit_of_measure,
        cast(null as {{ type_double() }}) as spec_lsl,
        cast(null as {{ type_double() }}) as spec_target,
        cast(null as {{ type_double() }}) as spec_usl,
        cast(null as {{ dbt.type_bigint() }}) as defect_opportunities_per_unit,
        cast(null as {{ type_double() }}) as standard_cost,
        cast(null as {{ type_double() }}) as list_price,
        cast(null as {{ dbt.type_bigint() }}) as warranty_months,
        cast('1900-01-01 00:00:00+00' as {{ type_timestamptz() }}) as valid_from,
        cast('9999-12-31 00:00:00+00' as {{ type_timestamptz() }}) as valid_to,
        true as is_current
),

final as (
    select * from products
    union all
    select * from unknown_member
)

select * from final
