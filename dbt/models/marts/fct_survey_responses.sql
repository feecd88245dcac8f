-- One row per valid survey response, with NPS bands (promoter 9-10, passive 7-8, detractor 0-6),
-- CSAT top-2-box (4-5 of 5) and CES agreement (5-7 of 7).
-- Incremental: responses new or changed since the last build, and responses whose customer version changed since,
-- are rebuilt (delete+insert on survey_response_key); responses no longer valid (e.g. later marked spam) are deleted.
{{
    config(
        materialized='incremental',
        unique_key='survey_response_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{{ delete_rows_missing_from('response_id', 'select response_id as key from ' ~ ref('stg_surveys__responses')) }}"
        ]
    )
}}

with responses as (
    select * from {{ ref('stg_surveys__responses') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

surveys as (
    select * from {{ ref('dim_survey') }}
),

{% if is_incremental() %}
stale_responses as (
    select existing.response_id
    from {{ this }} as existing
    where {{ member_is_stale('existing.customer_key', ref('dim_customer'), 'existing.recorded_at') }}
),
{% endif %}

classified as (
    select
        {{ surrogate_key(['responses.response_id']) }} as survey_response_key,
        responses.response_id,
        responses.survey_id,
        responses.survey_type,
        coalesce(surveys.survey_key, '-1') as survey_key,
        coalesce(customers.customer_key, '-1') as customer_key,
        responses.recorded_at,
        cast(responses.recorded_at as date) as response_date,
        responses.order_id,
        responses.delivery_id,
        responses.case_id,
        responses.distribution_channel,
        responses.nps_score,
        case when responses.nps_score >= 9 then 1 when responses.nps_score is not null then 0 end as is_promoter,
        case when responses.nps_score in (7, 8) then 1 when responses.nps_score is not null then 0 end as is_passive,
        case when responses.nps_score <= 6 then 1 when responses.nps_score is not null then 0 end as is_detractor,
        case when responses.nps_score >= 9 then 1 when responses.nps_score <= 6 then -1 when responses.nps_score is not null then 0 end
            as nps_value,
        responses.csat_score,
        case when responses.csat_score >= 4 then 1 when responses.csat_score is not null then 0 end as is_csat_satisfied,
        responses.ces_score,
        case when responses.ces_score >= 5 then 1 when responses.ces_score is not null then 0 end as is_ces_agree,
        responses.rating_product_quality,
        responses.rating_delivery_speed,
        responses.rating_service_experience,
        responses.rating_value_for_money,
        responses.duration_seconds,
        responses._loaded_at as source_loaded_at
    from responses
    left join customers
        on responses.customer_id = customers.customer_id
            and responses.recorded_at >= customers.valid_from
            and responses.recorded_at < customers.valid_to
    left join surveys on responses.survey_id = surveys.survey_id
    {% if is_incremental() %}
        -- the staging view is read once: a full build takes every row, an incremental one filters here
        where
            {{ changed_since_last_build({'response_id': 'responses.response_id'}, 'responses._loaded_at') }}
            or responses.response_id in (select stale_responses.response_id from stale_responses)
    {% endif %}
)

select * from classified
