-- One row per complaint category (grain = category_code), with l1 = the satisfaction factor it belongs to.
with categories as (
    select * from {{ ref('seed_complaint_categories') }}
),

final as (
    select
        {{ surrogate_key(['category_code']) }} as complaint_category_key,
        category_code,
        category_name,
        category_l1,
        is_quality_related,
        default_severity
    from categories
)

select * from final
