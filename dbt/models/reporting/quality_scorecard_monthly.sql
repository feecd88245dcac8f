-- The quality scorecard per month × plant, with plant = 'All' for the company (ratio of sums, never an
-- average of plant ratios). Inspection yields are estimated from inspection samples: FPY per stage =
-- units passing first time / units inspected at that stage, RTY = in-process FPY × final FPY.
-- DPMO = defects / (units × opportunities per unit) × 10⁶, numerator and denominator from the same lots (lots of
-- products without a defined number of opportunities count in neither); sigma is short-term with the 1.5σ shift
-- (sigma_level_st_shift15), null when no defect was observed, where sigma_level_st_shift15_zero_defects_cc05 gives
-- the level with a 0.5-defect continuity correction. FPY and incoming PPM carry Wilson intervals.
with scopes as (
    -- every fact is counted once per plant and once more for the company total
    select 'plant' as scope
    union all
    select 'all' as scope
),

lots as (
    select * from {{ ref('fct_inspection_lots') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

shipments as (
    select * from {{ ref('fct_shipments') }}
),

complaints as (
    select * from {{ ref('fct_complaints') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

surveys as (
    select * from {{ ref('fct_survey_responses') }}
),

-- a complaint or a survey names a delivery, not a line: each is counted once, at the plant of the delivery's first line
complained_deliveries as (
    {{ first_line_of_deliveries(
        ref('fct_shipments'), 'select complained.delivery_id from ' ~ ref('fct_complaints') ~ ' as complained'
    ) }}
),

surveyed_deliveries as (
    {{ first_line_of_deliveries(
        ref('fct_shipments'),
        'select surveyed.delivery_id from ' ~ ref('fct_survey_responses') ~ " as surveyed where surveyed.survey_type = 'post_delivery'"
    ) }}
),

inspection as (
    select
        cast({{ dbt.date_trunc('month', 'lots.lot_created_date') }} as date) as month_start,
        case when scopes.scope = 'all' then 'All' else lots.plant_id end as plant_id,
        sum(case when lots.inspection_stage = 'final' then lots.inspected_qty else 0 end) as final_inspected,
        sum(case when lots.inspection_stage = 'final' then lots.defective_qty else 0 end) as final_defective,
        sum(case when lots.inspection_stage = 'final' then lots.defect_count else 0 end) as final_defects,
        sum(
            case when lots.inspection_stage = 'final' then lots.inspected_qty * products.defect_opportunities_per_unit else 0 end
        ) as final_opportunities,
        sum(
            case
                when lots.inspection_stage = 'final' and products.defect_opportunities_per_unit is not null then lots.defect_count
                else 0
            end
        ) as final_defects_with_opportunities,
        sum(case when lots.inspection_stage = 'in-process' then lots.inspected_qty else 0 end) as in_process_inspected,
        sum(case when lots.inspection_stage = 'in-process' then lots.defective_qty else 0 end) as in_process_defective,
        sum(case when lots.inspection_stage = 'incoming' then lots.inspected_qty else 0 end) as incoming_inspected,
        sum(case when lots.inspection_stage = 'incoming' then lots.defective_qty else 0 end) as incoming_defective
    from lots
    cross join scopes
    left join products on lots.product_key = products.product_key
    group by
        cast({{ dbt.date_trunc('month', 'lots.lot_created_date') }} as date),
        case when scopes.scope = 'all' then 'All' else lots.plant_id end
),

delivery as (
    select
        cast({{ dbt.date_trunc('month', 'delivered_date') }} as date) as month_start,
        case when scopes.scope = 'all' then 'All' else plant_id end as plant_id,
        count(*) as delivered_lines,
        sum(case when is_on_time then 1 else 0 end) as on_time_lines,
        sum(case when is_otif then 1 else 0 end) as otif_lines
    from shipments
    cross join scopes
    where is_delivered
    group by
        cast({{ dbt.date_trunc('month', 'delivered_date') }} as date),
        case when scopes.scope = 'all' then 'All' else plant_id end
),

-- one row per month × plant × order (an order's lines from one plant count once), with the order's customer (one per
-- customer, whatever its version): the orders and the customers who ordered, the bases of complaints per 1000 orders
-- and per customer, are counted from these few million rows instead of every order line twice, and by distinct rows
-- counted per group, not by distinct counts per group (which took half of this model's time at 10 M order lines)
ordering as (
    select distinct
        cast({{ dbt.date_trunc('month', 'order_lines.order_date') }} as date) as month_start,
        order_lines.plant_id,
        order_lines.order_id,
        order_lines.customer_key
    from order_lines
    where not order_lines.is_cancelled
),

ordering_customers as (
    select distinct
        ordering.month_start,
        ordering.plant_id,
        customers.customer_id
    from ordering
    left join customers on ordering.customer_key = customers.customer_key
),

plant_orders as (
    select
        month_start,
        plant_id,
        count(*) as orders
    from ordering
    group by month_start, plant_id
),

plant_customers as (
    select
        month_start,
        plant_id,
        count(customer_id) as ordering_customers
    from ordering_customers
    group by month_start, plant_id
),

-- the company: an order or a customer with lines from several plants counts once
company_ordering as (
    select distinct
        month_start,
        order_id
    from ordering
),

company_ordering_customers as (
    select distinct
        month_start,
        customer_id
    from ordering_customers
),

company_orders as (
    select
        month_start,
        count(*) as orders
    from company_ordering
    group by month_start
),

company_customers as (
    select
        month_start,
        count(customer_id) as ordering_customers
    from company_ordering_customers
    group by month_start
),

orders as (
    select
        plant_orders.month_start,
        plant_orders.plant_id,
        plant_orders.orders,
        plant_customers.ordering_customers
    from plant_orders
    inner join plant_customers
        on
            plant_orders.month_start = plant_customers.month_start
            and coalesce(plant_orders.plant_id, 'Unknown') = coalesce(plant_customers.plant_id, 'Unknown')
    union all
    select
        company_orders.month_start,
        'All' as plant_id,
        company_orders.orders,
        company_customers.ordering_customers
    from company_orders
    inner join company_customers on company_orders.month_start = company_customers.month_start
),

-- units leaving the plant in the month (goods issue): the base of complaints per million units
shipped as (
    select
        cast({{ dbt.date_trunc('month', 'goods_issue_date') }} as date) as month_start,
        case when scopes.scope = 'all' then 'All' else plant_id end as plant_id,
        sum(shipped_qty) as shipped_units
    from shipments
    cross join scopes
    where goods_issue_date is not null
    group by
        cast({{ dbt.date_trunc('month', 'goods_issue_date') }} as date),
        case when scopes.scope = 'all' then 'All' else plant_id end
),

complaint_counts as (
    select
        cast({{ dbt.date_trunc('month', 'complaints.received_date') }} as date) as month_start,
        case when scopes.scope = 'all' then 'All' else complained_deliveries.plant_id end as plant_id,
        sum(case when complaints.is_justified then 1 else 0 end) as justified_complaints,
        count(*) as all_complaints
    from complaints
    cross join scopes
    left join complained_deliveries on complaints.delivery_id = complained_deliveries.delivery_id
    group by
        cast({{ dbt.date_trunc('month', 'complaints.received_date') }} as date),
        case when scopes.scope = 'all' then 'All' else complained_deliveries.plant_id end
),

satisfaction as (
    select
        cast({{ dbt.date_trunc('month', 'surveys.response_date') }} as date) as month_start,
        case when scopes.scope = 'all' then 'All' else surveyed_deliveries.plant_id end as plant_id,
        count(surveys.nps_score) as nps_n,
        coalesce(sum(surveys.is_promoter), 0) as promoters,
        coalesce(sum(surveys.is_detractor), 0) as detractors,
        count(surveys.csat_score) as csat_n,
        coalesce(sum(surveys.is_csat_satisfied), 0) as csat_satisfied
    from surveys
    cross join scopes
    left join surveyed_deliveries on surveys.delivery_id = surveyed_deliveries.delivery_id
    where surveys.survey_type = 'post_delivery'
    group by
        cast({{ dbt.date_trunc('month', 'surveys.response_date') }} as date),
        case when scopes.scope = 'all' then 'All' else surveyed_deliveries.plant_id end
),

spine as (
    select
        month_start,
        plant_id
    from inspection
    union
    select
        month_start,
        plant_id
    from delivery
),

joined as (
    select
        spine.month_start,
        coalesce(spine.plant_id, 'Unknown') as plant_id,
        cast(coalesce(inspection.final_inspected, 0) as {{ type_double() }}) as final_inspected_units,
        cast(coalesce(inspection.final_defective, 0) as {{ type_double() }}) as final_defective_units,
        cast(coalesce(inspection.final_defects, 0) as {{ type_double() }}) as final_defects,
        cast(coalesce(inspection.final_opportunities, 0) as {{ type_double() }}) as final_opportunities,
        cast(coalesce(inspection.final_defects_with_opportunities, 0) as {{ type_double() }}) as final_defects_with_opportunities,
        cast(coalesce(inspection.in_process_inspected, 0) as {{ type_double() }}) as in_process_inspected_units,
        cast(coalesce(inspection.in_process_defective, 0) as {{ type_double() }}) as in_process_defective_units,
        cast(coalesce(inspection.incoming_inspected, 0) as {{ type_double() }}) as incoming_inspected_units,
        cast(coalesce(inspection.incoming_defective, 0) as {{ type_double() }}) as incoming_rejected_units,
        cast(coalesce(delivery.delivered_lines, 0) as bigint) as delivered_lines,
        cast(coalesce(delivery.on_time_lines, 0) as bigint) as on_time_lines,
        cast(coalesce(delivery.otif_lines, 0) as bigint) as otif_lines,
        cast(coalesce(orders.orders, 0) as bigint) as orders,
        cast(coalesce(complaint_counts.justified_complaints, 0) as bigint) as justified_complaints,
        cast(coalesce(complaint_counts.all_complaints, 0) as bigint) as all_complaints,
        cast(coalesce(shipped.shipped_units, 0) as {{ type_double() }}) as shipped_units,
        cast(coalesce(orders.ordering_customers, 0) as bigint) as ordering_customers,
        cast(coalesce(satisfaction.nps_n, 0) as bigint) as nps_n,
        cast(coalesce(satisfaction.promoters, 0) as bigint) as promoters,
        cast(coalesce(satisfaction.detractors, 0) as bigint) as detractors,
        cast(coalesce(satisfaction.csat_n, 0) as bigint) as csat_n,
        cast(coalesce(satisfaction.csat_satisfied, 0) as bigint) as csat_satisfied
    from spine
    left join inspection
        on spine.month_start = inspection.month_start
            and coalesce(spine.plant_id, 'Unknown') = coalesce(inspection.plant_id, 'Unknown')
    left join delivery
        on spine.month_start = delivery.month_start
            and coalesce(spine.plant_id, 'Unknown') = coalesce(delivery.plant_id, 'Unknown')
    left join orders
        on spine.month_start = orders.month_start
            and coalesce(spine.plant_id, 'Unknown') = coalesce(orders.plant_id, 'Unknown')
    left join shipped
        on spine.month_start = shipped.month_start
            and coalesce(spine.plant_id, 'Unknown') = coalesce(shipped.plant_id, 'Unknown')
    left join complaint_counts
        on spine.month_start = complaint_counts.month_start
            and coalesce(spine.plant_id, 'Unknown') = coalesce(complaint_counts.plant_id, 'Unknown')
    left join satisfaction
        on spine.month_start = satisfaction.month_start
            and coalesce(spine.plant_id, 'Unknown') = coalesce(satisfaction.plant_id, 'Unknown')
),

kpis as (
    select
        *,
        cast({{ safe_ratio('final_defective_units', 'final_inspected_units') }} as {{ type_double() }}) as final_defective_rate,
        cast({{ wilson_low('final_defective_units', 'final_inspected_units') }} as {{ type_double() }}) as final_defective_ci_low,
        cast({{ wilson_high('final_defective_units', 'final_inspected_units') }} as {{ type_double() }}) as final_defective_ci_high,
        cast({{ safe_ratio('final_defects', 'final_inspected_units') }} as {{ type_double() }}) as final_dpu,
        cast(1000000.0 * {{ safe_ratio('final_defects_with_opportunities', 'final_opportunities') }} as {{ type_double() }}) as final_dpmo,
        cast(
            {{ sigma_level_st_shift15("1000000.0 * " ~ safe_ratio('final_defects_with_opportunities', 'final_opportunities')) }} as {{ type_double() }}
        ) as sigma_level_st_shift15,
        final_inspected_units > 0 and final_defects = 0 as is_no_defects_observed,
        cast(1 - {{ safe_ratio('in_process_defective_units', 'in_process_inspected_units') }} as {{ type_double() }}) as fpy_in_process,
        cast(1 - {{ safe_ratio('final_defective_units', 'final_inspected_units') }} as {{ type_double() }}) as fpy_final,
        cast(
            (1 - {{ safe_ratio('in_process_defective_units', 'in_process_inspected_units') }})
            * (1 - {{ safe_ratio('final_defective_units', 'final_inspected_units') }}) as {{ type_double() }}
        ) as rty,
        cast(1000000.0 * {{ safe_ratio('incoming_rejected_units', 'incoming_inspected_units') }} as {{ type_double() }}) as incoming_ppm,
        cast({{ safe_ratio('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_rate,
        cast({{ wilson_low('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_ci_low,
        cast({{ wilson_high('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_ci_high,
        cast({{ safe_ratio('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_rate,
        cast(1000.0 * {{ safe_ratio('justified_complaints', 'orders') }} as {{ type_double() }}) as complaints_per_1000_orders,
        cast(1000000.0 * {{ safe_ratio('justified_complaints', 'shipped_units') }} as {{ type_double() }})
            as complaints_per_million_units_shipped,
        cast(100.0 * {{ safe_ratio('justified_complaints', 'ordering_customers') }} as {{ type_double() }})
            as complaints_per_100_ordering_customers,
        cast({{ nps('promoters', 'detractors', 'nps_n') }} as {{ type_double() }}) as nps,
        cast(
            {{ nps('promoters', 'detractors', 'nps_n') }}
            - {{ var('z95') }} * {{ nps_se('promoters', 'detractors', 'nps_n') }} as {{ type_double() }}
        )
            as nps_ci_low,
        cast(
            {{ nps('promoters', 'detractors', 'nps_n') }}
            + {{ var('z95') }} * {{ nps_se('promoters', 'detractors', 'nps_n') }} as {{ type_double() }}
        )
            as nps_ci_high,
        cast({{ safe_ratio('csat_satisfied', 'csat_n') }} as {{ type_double() }}) as csat_top2_rate,
        cast({{ wilson_low('csat_satisfied', 'csat_n') }} as {{ type_double() }}) as csat_ci_low,
        cast({{ wilson_high('csat_satisfied', 'csat_n') }} as {{ type_double() }}) as csat_ci_high,
        nps_n < {{ var('small_sample_n') }} as is_small_survey_sample,
        cast(
            case
                when final_opportunities > 0 and final_defects_with_opportunities = 0
                    then {{ sigma_level_st_shift15("1000000.0 * 0.5 / final_opportunities") }}
            end as {{ type_double() }}
        ) as sigma_level_st_shift15_zero_defects_cc05,
        cast(1 - {{ wilson_high('final_defective_units', 'final_inspected_units') }} as {{ type_double() }}) as fpy_final_ci_low,
        cast(1 - {{ wilson_low('final_defective_units', 'final_inspected_units') }} as {{ type_double() }}) as fpy_final_ci_high,
        cast(1 - {{ wilson_high('in_process_defective_units', 'in_process_inspected_units') }} as {{ type_double() }})
            as fpy_in_process_ci_low,
        cast(1 - {{ wilson_low('in_process_defective_units', 'in_process_inspected_units') }} as {{ type_double() }})
            as fpy_in_process_ci_high,
        cast(1000000.0 * {{ wilson_low('incoming_rejected_units', 'incoming_inspected_units') }} as {{ type_double() }})
            as incoming_ppm_ci_low,
        cast(1000000.0 * {{ wilson_high('incoming_rejected_units', 'incoming_inspected_units') }} as {{ type_double() }})
            as incoming_ppm_ci_high,
        cast({{ wilson_low('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_ci_low,
        cast({{ wilson_high('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_ci_high,
        final_inspected_units < {{ var('small_sample_n') }} as is_small_inspection_sample,
        delivered_lines < {{ var('small_sample_n') }} as is_small_delivery_sample
    from joined
)

select * from kpis
