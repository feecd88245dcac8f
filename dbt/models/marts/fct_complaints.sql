-- One row per complaint case (accumulating snapshot of receive → classify → analyse → handle → notify → close),
-- with the first response, stage lags in calendar hours and business minutes, the first-response and
-- resolution SLAs of its priority, and first-contact resolution (FCR: resolved, flagged by the CRM as
-- resolved in the first contact, never reopened).
with cases as (
    select * from {{ ref('int_cases_pivoted_to_milestones') }}
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

-- a case names a delivery, not a line: its product is that of the delivery's first line (one row per case)
deliveries as (
    {{ first_line_of_deliveries(
        ref('stg_erp__delivery_items'),
        'select complained.delivery_id from ' ~ ref('int_cases_pivoted_to_milestones') ~ ' as complained'
    ) }}
),

sla as (
    select * from {{ ref('seed_sla_policies') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

business_minutes as (
    select * from {{ ref('int_complaint_stages_measured_in_business_minutes') }}
),

channels as (
    select * from {{ ref('dim_channel') }}
),

categories as (
    select * from {{ ref('dim_complaint_category') }}
),

joined as (
    select
        {{ surrogate_key(['cases.case_id']) }} as complaint_key,
        cases.case_id,
        cases.case_number,
        coalesce(customers.customer_key, '-1') as customer_key,
        coalesce(products.product_key, '-1') as product_key,
        coalesce(channels.channel_key, '-1') as channel_key,
        coalesce(categories.complaint_category_key, '-1') as complaint_category_key,
        cases.channel_code,
        cases.complaint_category,
        coalesce(categories.category_l1, 'Other') as category_l1,
        coalesce(categories.is_quality_related, false) as is_quality_related,
        cases.priority,
        cases.status as current_status,
        cases.order_id,
        cases.delivery_id,
        cases.batch_id,
        cases.created_at as received_at,
        cases.classified_at,
        cases.first_response_at,
        cases.analysed_at,
        cases.resolved_at,
        cases.customer_notified_at,
        cases.first_closed_at,
        cases.last_closed_at,
        cast(cases.created_at as date) as received_date,
        {{ hours_between('cases.created_at', 'cases.classified_at') }} as hours_to_classify,
        {{ hours_between('cases.created_at', 'cases.first_response_at') }} as hours_to_first_response,
        {{ hours_between('cases.classified_at', 'cases.analysed_at') }} as hours_classify_to_analyse,
        {{ hours_between('cases.analysed_at', 'cases.resolved_at') }} as hours_analyse_to_resolve,
        {{ hours_between('cases.created_at', 'cases.resolved_at') }} as hours_to_resolve,
        {{ hours_between('cases.resolved_at', 'cases.customer_notified_at') }} as hours_resolve_to_notify,
        business_minutes.bmin_to_classify,
        business_minutes.bmin_to_resolve,
        business_minutes.bmin_resolve_to_notify,
        business_minutes.bmin_to_first_response,
        business_minutes.bmin_classify_to_analyse,
        business_minutes.bmin_analyse_to_resolve,
        sla.first_response_hours as first_response_sla_hours,
        sla.resolution_hours as resolution_sla_hours,
        sla.uses_business_hours as sla_uses_business_hours,
        cases.resolved_at is not null as is_resolved,
        case
            when cases.resolved_at is null then null
            when sla.uses_business_hours then business_minutes.bmin_to_resolve > 60.0 * sla.resolution_hours
            else {{ hours_between('cases.created_at', 'cases.resolved_at') }} > sla.resolution_hours
        end as is_resolution_sla_breached,
        case
            when cases.first_response_at is null then null
            when sla.uses_business_hours then business_minutes.bmin_to_first_response > 60.0 * sla.first_response_hours
            else {{ hours_between('cases.created_at', 'cases.first_response_at') }} > sla.first_response_hours
        end as is_first_response_sla_breached,
        cases.resolved_at is not null and cases.is_first_contact_resolution and cases.reopen_count = 0 as is_fcr,
        cases.reopen_count,
        cases.reopen_count > 0 as is_reopened,
        cases.is_escalated,
        cases.is_justified,
        cases.complaint_qty
    from cases
    left join accounts on cases.account_id = accounts.account_id
    left join customers
        on accounts.customer_id = customers.customer_id
            and cases.created_at >= customers.valid_from
            and cases.created_at < customers.valid_to
    left join deliveries on cases.delivery_id = deliveries.delivery_id
    left join products
        on deliveries.product_id = products.product_id
            and cases.created_at >= products.valid_from
            and cases.created_at < products.valid_to
    left join sla on cases.priority = sla.priority
    left join business_minutes on cases.case_id = business_minutes.case_id
    left join channels on cases.channel_code = channels.channel_code
    left join categories on cases.complaint_category = categories.category_name
)

select * from joined
