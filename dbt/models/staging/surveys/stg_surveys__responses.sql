-- Valid responses only: previews, tests and spam (Qualtrics Status 1, 2, 8, 9, 12, 17) are dropped here.
-- Timestamps are converted from the export's time zone to UTC. Names, email, IP and free text stop here.
-- Incremental: the responses with a version in a load batch not built yet are ranked again over all their versions and
-- replaced (delete+insert on response_id). The latest version of such a response may be one no longer valid (a response
-- later marked spam): it replaces the stored one, and the post-hook deletes it. A full build ranks every response and
-- keeps the valid ones. The time-zone conversion, the costly part, runs once per new version instead of in every query.
{{
    config(
        materialized='incremental',
        unique_key='response_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=["delete from {{ this }} where response_status not in {{ valid_survey_statuses() }}"]
    )
}}

with source as (
    {{ versions_of_keys_in_batches_not_built(source('surveys', 'surveys_responses'), ['response_id']) }}
),

ranked as (
    select
        *,
        row_number() over (partition by response_id order by _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        response_id,
        survey_id,
        case when survey_id like '%case%' then 'post_case' when survey_id like '%deliver%' then 'post_delivery' else survey_id end
            as survey_type,
        status as response_status,
        {{ local_to_utc('start_date', 'source_timezone') }} as started_at,
        {{ local_to_utc('end_date', 'source_timezone') }} as ended_at,
        {{ local_to_utc('recorded_date', 'source_timezone') }} as recorded_at,
        progress as progress_pct,
        duration_in_seconds as duration_seconds,
        lower(coalesce(finished, '')) in ('1', 'true') as is_finished,
        nullif(external_reference, '') as customer_id,
        nullif(account_id, '') as account_id,
        nullif(order_id, '') as order_id,
        nullif(delivery_id, '') as delivery_id,
        nullif(ticket_id, '') as case_id,
        lower(distribution_channel) as distribution_channel,
        user_language,
        case when q1 between 0 and 10 then q1 end as nps_score,
        case when q2 between 1 and 5 then q2 end as csat_score,
        case when q3 between 1 and 7 then q3 end as ces_score,
        case when q4_1 between 1 and 5 then q4_1 end as rating_product_quality,
        case when q4_2 between 1 and 5 then q4_2 end as rating_delivery_speed,
        case when q4_3 between 1 and 5 then q4_3 end as rating_service_experience,
        case when q4_4 between 1 and 5 then q4_4 end as rating_value_for_money,
        _batch_id,
        _loaded_at
    from ranked
    where
        version_rank = 1
        {%- if not is_incremental() %}
            and status in {{ valid_survey_statuses() }}
        {%- endif %}
)

select * from renamed
