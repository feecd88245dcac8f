-- The headline KPIs over the whole period in the warehouse, one row per KPI: numerator, denominator,
-- value, n and a 95 % interval where one applies. This is what `cqm demo` prints.
with surveys as (
    select * from {{ ref('fct_survey_responses') }}
),

shipments as (
    select * from {{ ref('fct_shipments') }}
),

lots as (
    select * from {{ ref('fct_inspection_lots') }}
),

complaints as (
    select * from {{ ref('fct_complaints') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

quality_costs as (
    select * from {{ ref('fct_quality_costs') }}
),

survey_totals as (
    select
        cast(coalesce(sum(is_promoter), 0) as bigint) as promoters,
        cast(coalesce(sum(is_detractor), 0) as bigint) as detractors,
        cast(coalesce(sum(is_csat_satisfied), 0) as bigint) as csat_satisfied,
        count(nps_score) as nps_n,
        count(csat_score) as csat_n,
        min(response_date) as first_date,
        max(response_date) as last_date
    from surveys
),

delivery_totals as (
    select
        cast(sum(case when is_delivered then 1 else 0 end) as bigint) as delivered_lines,
        cast(sum(case when is_on_time then 1 else 0 end) as bigint) as on_time_lines,
        min(delivered_date) as first_date,
        max(delivered_date) as last_date
    from shipments
),

inspection_totals as (
    select
        cast(coalesce(sum(inspected_qty), 0) as {{ type_double() }}) as inspected_units,
        cast(coalesce(sum(defective_qty), 0) as {{ type_double() }}) as defective_units,
        min(lot_created_date) as first_date,
        max(lot_created_date) as last_date
    from lots
    where inspection_stage = 'final'
),

complaint_totals as (
    select
        count(*) as justified_complaints,
        min(received_date) as first_date,
        max(received_date) as last_date
    from complaints
    where is_justified
),

order_totals as (
    select
        count(distinct order_id) as orders,
        coalesce(sum(net_amount), 0) as net_revenue,
        min(order_date) as first_date,
        max(order_date) as last_date
    from order_lines
    where not is_cancelled
),

-- customer-months active at the start whose 180-day outcome window is complete (censored months excluded)
churn_totals as (
    select
        cast(sum(case when churned_next_180d then 1 else 0 end) as bigint) as churned,
        count(*) as at_risk,
        min(month_start) as first_date,
        max(month_start) as last_date
    from customer_months
    where was_active_at_start and churned_next_180d is not null
),

cost_totals as (
    select
        coalesce(sum(case when is_poor_quality_cost then amount else 0 end), 0) as cost_of_poor_quality,
        min(posting_date) as first_date,
        max(posting_date) as last_date
    from quality_costs
),

kpis as (
    select
        'nps' as kpi,
        'Net Promoter Score: 100 × (promoters − detractors) / valid 0-10 answers' as definition,
        cast(promoters - detractors as {{ type_double() }}) as numerator,
        cast(nps_n as {{ type_double() }}) as denominator,
        {{ nps('promoters', 'detractors', 'nps_n') }} as kpi_value,
        nps_n as n,
        {{ nps('promoters', 'detractors', 'nps_n') }} - {{ var('z95') }} * {{ nps_se('promoters', 'detractors', 'nps_n') }} as ci_low,
        {{ nps('promoters', 'detractors', 'nps_n') }} + {{ var('z95') }} * {{ nps_se('promoters', 'detractors', 'nps_n') }} as ci_high,
        'points' as unit,
        first_date as period_start,
        last_date as period_end
    from survey_totals
    union all
    select
        'csat_top2_rate' as kpi,
        'CSAT: share of 1-5 answers that are 4 or 5 (Wilson interval)' as definition,
        cast(csat_satisfied as {{ type_double() }}) as numerator,
        cast(csat_n as {{ type_double() }}) as denominator,
        {{ safe_ratio('csat_satisfied', 'csat_n') }} as kpi_value,
        csat_n as n,
        {{ wilson_low('csat_satisfied', 'csat_n') }} as ci_low,
        {{ wilson_high('csat_satisfied', 'csat_n') }} as ci_high,
        'fraction' as unit,
        first_date as period_start,
        last_date as period_end
    from survey_totals
    union all
    select
        'on_time_delivery_rate' as kpi,
        'OTD: delivered lines delivered on or before the promised date / delivered lines (Wilson interval)' as definition,
        cast(on_time_lines as {{ type_double() }}) as numerator,
        cast(delivered_lines as {{ type_double() }}) as denominator,
        {{ safe_ratio('on_time_lines', 'delivered_lines') }} as kpi_value,
        delivered_lines as n,
        {{ wilson_low('on_time_lines', 'delivered_lines') }} as ci_low,
        {{ wilson_high('on_time_lines', 'delivered_lines') }} as ci_high,
        'fraction' as unit,
        first_date as period_start,
        last_date as period_end
    from delivery_totals
    union all
    select
        'final_inspection_defective_rate' as kpi,
        'Defective rate: defective units / units inspected at final inspection (Wilson interval)' as definition,
        cast(defective_units as {{ type_double() }}) as numerator,
        cast(inspected_units as {{ type_double() }}) as denominator,
        {{ safe_ratio('defective_units', 'inspected_units') }} as kpi_value,
        cast(inspected_units as {{ dbt.type_bigint() }}) as n,
        {{ wilson_low('defective_units', 'inspected_units') }} as ci_low,
        {{ wilson_high('defective_units', 'inspected_units') }} as ci_high,
        'fraction' as unit,
        first_date as period_start,
        last_date as period_end
    from inspection_totals
    union all
    select
        'complaints_per_1000_orders' as kpi,
        'Complaint rate: justified complaints received / orders booked × 1,000 (calendar basis; Poisson-normal interval)' as definition,
        cast(complaint_totals.justified_complaints as {{ type_double() }}) as numerator,
        cast(order_totals.orders as {{ type_double() }}) as denominator,
        case when order_totals.orders > 0 then 1000.0 * complaint_totals.justified_complaints / order_totals.orders end as kpi_value,
        order_totals.orders as n,
        case when order_totals.orders > 0
                then 1000.0
                    * (complaint_totals.justified_complaints - {{ var('z95') }} * sqrt(complaint_totals.justified_complaints))
                    / order_totals.orders
        end as ci_low,
        case when order_totals.orders > 0
                then 1000.0
                    * (complaint_totals.justified_complaints + {{ var('z95') }} * sqrt(complaint_totals.justified_complaints))
                    / order_totals.orders
        end as ci_high,
        'per 1,000 orders' as unit,
        complaint_totals.first_date as period_start,
        complaint_totals.last_date as period_end
    from complaint_totals
    cross join order_totals
    union all
    select
        'churn_rate_180d' as kpi,
        'Churn: customer-months active at the start with no order in the next 180 days / such months with a complete '
        || 'window (right-censored months excluded; Wilson interval)' as definition,
        cast(churned as {{ type_double() }}) as numerator,
        cast(at_risk as {{ type_double() }}) as denominator,
        {{ safe_ratio('churned', 'at_risk') }} as kpi_value,
        at_risk as n,
        {{ wilson_low('churned', 'at_risk') }} as ci_low,
        {{ wilson_high('churned', 'at_risk') }} as ci_high,
        'fraction' as unit,
        first_date as period_start,
        last_date as period_end
    from churn_totals
    union all
    select
        'copq_share_of_revenue' as kpi,
        'COPQ share: internal + external failure cost / net revenue of orders booked '
        || '(ratio of sums; no interval, costs are not a sample)' as definition,
        cast(cost_totals.cost_of_poor_quality as {{ type_double() }}) as numerator,
        cast(order_totals.net_revenue as {{ type_double() }}) as denominator,
        {{ safe_ratio('cost_totals.cost_of_poor_quality', 'order_totals.net_revenue') }} as kpi_value,
        order_totals.orders as n,
        cast(null as {{ type_double() }}) as ci_low,
        cast(null as {{ type_double() }}) as ci_high,
        'share of revenue' as unit,
        cost_totals.first_date as period_start,
        cost_totals.last_date as period_end
    from cost_totals
    cross join order_totals
),

final as (
    select
        kpi,
        definition,
        cast(numerator as {{ type_double() }}) as numerator,
        cast(denominator as {{ type_double() }}) as denominator,
        cast(kpi_value as {{ type_double() }}) as kpi_value,
        cast(n as bigint) as n,
        cast(ci_low as {{ type_double() }}) as ci_low,
        cast(ci_high as {{ type_double() }}) as ci_high,
        unit,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end
    from kpis
)

select * from final
