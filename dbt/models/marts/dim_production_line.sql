-- One row per production line (grain = line_id), with its plant, plus '-1'.
with lines as (
    select distinct
        line_id,
        plant_id
    from {{ ref('stg_erp__materials') }}
    where line_id is not null
),

known as (
    select
        {{ surrogate_key(['line_id']) }} as line_key,
        line_id,
        plant_id
    from lines
),

unknown_member as (
    select
        '-1' as line_key,
        '-1' as line_id,
        'Unknown' as plant_id
),

final as (
    select * from known
    union all
    select * from unknown_member
)

select * from final
