-- One row per product (material), with family, producing line, spec limits and defect opportunities; plus '-1'.
with materials as (
    select * from {{ ref('stg_erp__materials') }}
),

products as (
    select
        {{ surrogate_key(['product_id']) }} as product_key,
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
        warranty_months
    from materials
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
        cast(null as {{ dbt.type_bigint() }}) as warranty_months
),

final as (
    select * from products
    union all
    select * from unknown_member
)

select * from final
