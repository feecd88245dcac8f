-- One row per survey (grain = survey_id: one survey-tool export), with its survey type and the touchpoint it
-- asks about: transactional surveys follow a delivery or a complaint case, relationship surveys go out
-- periodically. Built from the surveys that responses arrived for; plus '-1' (unknown).
with responses as (
    select * from {{ ref('stg_surveys__responses') }}
),

surveys as (
    select
        survey_id,
        max(survey_type) as survey_type
    from responses
    where survey_id is not null
    group by survey_id
),

described as (
    select
        {{ surrogate_key(['survey_id']) }} as survey_key,
        survey_id,
        survey_type,
        case
            when survey_type = 'post_delivery' then 'delivery'
            when survey_type = 'post_case' then 'complaint case'
            when survey_type like '%relationship%' then 'relationship'
            else 'other'
        end as touchpoint,
        survey_type in ('post_delivery', 'post_case') as is_transactional
    from surveys
),

unknown_member as (
    select
        '-1' as survey_key,
        '-1' as survey_id,
        'unknown' as survey_type,
        'unknown' as touchpoint,
        false as is_transactional
),

final as (
    select * from described
    union all
    select * from unknown_member
)

select * from final
