-- NPS, CSAT (top-2-box) and CES per month × survey type × customer segment (segment as of the
-- response), plus 'All' segments. Every rate carries numerator, denominator, n and a 95 % interval.
with responses as (
    select * from {{ ref('fct_survey_responses') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

base as (
    select
        cast({{ dbt.date_trunc('month', 'responses.response_date') }} as date) as month_start,
        customers.segment,
        responses.*
    from responses
    inner join customers on responses.customer_key = customers.customer_key
),

by_segment as (
    select
        month_start,
        survey_type,
        segment,
        count(*) as responses,
        count(nps_score) as nps_n,
        cast(coalesce(sum(is_promoter), 0) as bigint) as promoters,
        cast(coalesce(sum(is_passive), 0) as bigint) as passives,
        cast(coalesce(sum(is_detractor), 0) as bigint) as detractors,
        count(csat_score) as csat_n,
        cast(coalesce(sum(is_csat_satisfied), 0) as bigint) as csat_satisfied,
        cast(avg(csat_score * 1.0) as {{ type_double() }}) as csat_mean,
        count(ces_score) as ces_n,
        cast(coalesce(sum(is_ces_agree), 0) as bigint) as ces_agree,
        cast(avg(ces_score * 1.0) as {{ type_double() }}) as ces_mean
    from base
    group by month_start, survey_type, segment
),

all_segments as (
    select
        month_start,
        survey_type,
        'All' as segment,
        count(*) as responses,
        count(nps_score) as nps_n,
        cast(coalesce(sum(is_promoter), 0) as bigint) as promoters,
        cast(coalesce(sum(is_passive), 0) as bigint) as passives,
        cast(coalesce(sum(is_detractor), 0) as bigint) as detractors,
        count(csat_score) as csat_n,
        cast(coalesce(sum(is_csat_satisfied), 0) as bigint) as csat_satisfied,
        cast(avg(csat_score * 1.0) as {{ type_double() }}) as csat_mean,
        count(ces_score) as ces_n,
        cast(coalesce(sum(is_ces_agree), 0) as bigint) as ces_agree,
        cast(avg(ces_score * 1.0) as {{ type_double() }}) as ces_mean
    from base
    group by month_start, survey_type
),

combined as (
    select * from by_segment
    union all
    select * from all_segments
),

kpis as (
    select
        month_start,
        survey_type,
        segment,
        responses,
        nps_n,
        promoters,
        passives,
        detractors,
        cast({{ nps('promoters', 'detractors', 'nps_n') }} as {{ type_double() }}) as nps,
        cast({{ nps_se('promoters', 'detractors', 'nps_n') }} as {{ type_double() }}) as nps_se,
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
        csat_n,
        csat_satisfied,
        cast({{ safe_ratio('csat_satisfied', 'csat_n') }} as {{ type_double() }}) as csat_top2_rate,
        cast({{ wilson_low('csat_satisfied', 'csat_n') }} as {{ type_double() }}) as csat_ci_low,
        cast({{ wilson_high('csat_satisfied', 'csat_n') }} as {{ type_double() }}) as csat_ci_high,
        csat_mean,
        ces_n,
        ces_agree,
        cast({{ safe_ratio('ces_agree', 'ces_n') }} as {{ type_double() }}) as ces_agree_rate,
        cast({{ wilson_low('ces_agree', 'ces_n') }} as {{ type_double() }}) as ces_agree_ci_low,
        cast({{ wilson_high('ces_agree', 'ces_n') }} as {{ type_double() }}) as ces_agree_ci_high,
        ces_mean,
        nps_n < {{ var('small_sample_n') }} or csat_n < {{ var('small_sample_n') }} as is_small_sample
    from combined
)

select * from kpis
