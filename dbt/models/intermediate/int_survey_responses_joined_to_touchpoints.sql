-- Each survey response, once, with the touchpoint it is about: the delivery (lateness of its latest line)
-- for post-delivery surveys, the complaint (SLA breach, priority) for post-case surveys, and the customer's segment as of
-- the response. The exposure (delivery, complaint handling) always happens before the response.
-- A table: its two tests and quality_satisfaction_impact would otherwise each run the joins again.
{{ config(materialized='table') }}

with responses as (
    select
        *,
        -- the touchpoint a response is about, as plain join keys: a condition on the response's own columns
        -- inside a left join's ON clause makes DuckDB compare every response with every delivery
        case when survey_type = 'post_delivery' then delivery_id end as surveyed_delivery_id,
        case when survey_type = 'post_case' then case_id end as surveyed_case_id
    from {{ ref('fct_survey_responses') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

-- one row per delivery: a delivery of several lines is as late as its latest line, and a response must
-- not count once per line (only the surveyed deliveries: a few percent of all)
deliveries as (
    select
        shipment_lines.delivery_id,
        max(shipment_lines.delivered_at) as delivered_at,
        max(shipment_lines.days_late) as days_late
    from {{ ref('fct_shipments') }} as shipment_lines
    where
        shipment_lines.delivery_id in (
            select surveyed.delivery_id
            from {{ ref('fct_survey_responses') }} as surveyed
            where surveyed.survey_type = 'post_delivery'
        )
    group by shipment_lines.delivery_id
),

complaints as (
    select * from {{ ref('fct_complaints') }}
),

joined as (
    select
        responses.response_id,
        responses.survey_type,
        customers.segment,
        responses.recorded_at,
        responses.csat_score,
        responses.is_csat_satisfied,
        responses.nps_score,
        responses.nps_value,
        deliveries.delivered_at,
        deliveries.days_late,
        complaints.resolved_at,
        complaints.priority,
        complaints.is_resolution_sla_breached
    from responses
    inner join customers on responses.customer_key = customers.customer_key
    left join deliveries on responses.surveyed_delivery_id = deliveries.delivery_id
    left join complaints on responses.surveyed_case_id = complaints.case_id
)

select * from joined
