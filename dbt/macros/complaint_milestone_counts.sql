{#- One definition of the funnel's counts, for complaint_funnel and complaint_funnel_summary: complaints received,
    how many reached each milestone (classify → analyse → handle → notify → close), justified, resolution SLA
    breaches among those with an SLA, and reopens. Aggregates rows of fct_complaints. -#}
{% macro complaint_milestone_counts() -%}
        count(*) as received,
        cast(sum(case when classified_at is not null then 1 else 0 end) as bigint) as classified,
        cast(sum(case when analysed_at is not null then 1 else 0 end) as bigint) as analysed,
        cast(sum(case when resolved_at is not null then 1 else 0 end) as bigint) as handled,
        cast(sum(case when customer_notified_at is not null then 1 else 0 end) as bigint) as notified,
        cast(sum(case when first_closed_at is not null then 1 else 0 end) as bigint) as closed,
        cast(sum(case when is_justified then 1 else 0 end) as bigint) as justified,
        cast(sum(case when is_resolution_sla_breached then 1 else 0 end) as bigint) as sla_breached,
        cast(sum(case when is_resolution_sla_breached is not null then 1 else 0 end) as bigint) as sla_applicable,
        cast(sum(case when is_reopened then 1 else 0 end) as bigint) as reopened
{%- endmacro %}
