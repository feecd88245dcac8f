-- One row per feedback channel (grain = channel_code): hotline, email, web, chat, social media, survey.
with channels as (
    select * from {{ ref('seed_channels') }}
),

final as (
    select
        {{ surrogate_key(['channel_code']) }} as channel_key,
        channel_code,
        channel_name,
        channel_group,
        is_digital
    from channels
)

select * from final
