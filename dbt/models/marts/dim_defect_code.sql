-- One row per defect code (grain = code_group × code of the defect catalog, SAP catalog type 9), including
-- retired codes that old data may still carry; plus '-1' for defect items whose code is not in the catalog.
with codes as (
    select * from {{ ref('stg_erp__catalog_codes') }}
    where catalog_type = '9'
),

known as (
    select
        {{ surrogate_key(['code_group', 'code']) }} as defect_code_key,
        code_group,
        code,
        coalesce(code_text, code) as defect_name,
        code_group as defect_family,
        is_inactive
    from codes
),

unknown_member as (
    select
        '-1' as defect_code_key,
        '-1' as code_group,
        '-1' as code,
        'Unknown' as defect_name,
        'Unknown' as defect_family,
        false as is_inactive
),

final as (
    select * from known
    union all
    select * from unknown_member
)

select * from final
