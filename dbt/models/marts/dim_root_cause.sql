-- One row per root-cause code (grain = code_group × code of the cause catalog, SAP catalog type 5) with its
-- fishbone (6M) category and the preventive lever that addresses it (process, training, equipment, …); plus '-1'.
with codes as (
    select * from {{ ref('stg_erp__catalog_codes') }}
    where catalog_type = '5'
),

known as (
    select
        {{ surrogate_key(['code_group', 'code']) }} as root_cause_key,
        code_group,
        code,
        coalesce(code_text, code) as cause_name,
        coalesce(category_6m, 'Unknown') as category_6m,
        coalesce(lower(preventive_lever), 'unknown') as preventive_lever,
        is_inactive
    from codes
),

unknown_member as (
    select
        '-1' as root_cause_key,
        '-1' as code_group,
        '-1' as code,
        'Unknown' as cause_name,
        'Unknown' as category_6m,
        'unknown' as preventive_lever,
        false as is_inactive
),

final as (
    select * from known
    union all
    select * from unknown_member
)

select * from final
