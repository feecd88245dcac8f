{#- One definition of the delivered-line measures and rates, for delivery_performance and carrier_scorecard:
    OTD and OTIF (line level, promised date, tolerance 0 days) with Wilson intervals, lateness and exceptions.
    delivery_measures() aggregates rows with is_on_time, is_otif, days_late, exception_count and
    failed_attempt_count; delivery_rates() reads the columns it wrote. -#}
{% macro delivery_measures() -%}
        count(*) as delivered_lines,
        cast(sum(case when is_on_time then 1 else 0 end) as bigint) as on_time_lines,
        cast(sum(case when is_otif then 1 else 0 end) as bigint) as otif_lines,
        cast(sum(case when exception_count > 0 then 1 else 0 end) as bigint) as lines_with_exception,
        cast(sum(failed_attempt_count) as bigint) as failed_attempts,
        cast(avg(days_late * 1.0) as {{ type_double() }}) as days_late_mean,
        cast(percentile_cont(0.5) within group (order by days_late) as {{ type_double() }}) as days_late_median,
        cast(percentile_cont(0.9) within group (order by days_late) as {{ type_double() }}) as days_late_p90
{%- endmacro %}

{% macro delivery_rates() -%}
        cast({{ safe_ratio('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_rate,
        cast({{ wilson_low('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_ci_low,
        cast({{ wilson_high('on_time_lines', 'delivered_lines') }} as {{ type_double() }}) as otd_ci_high,
        cast({{ safe_ratio('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_rate,
        cast({{ wilson_low('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_ci_low,
        cast({{ wilson_high('otif_lines', 'delivered_lines') }} as {{ type_double() }}) as otif_ci_high,
        cast({{ safe_ratio('lines_with_exception', 'delivered_lines') }} as {{ type_double() }}) as exception_rate,
        delivered_lines < {{ var('small_sample_n') }} as is_small_sample
{%- endmacro %}

{#- One line per delivery: the line with the lowest line number of each delivery in `delivery_ids` (a select of one
    column, delivery_id), from `relation` (delivery lines: delivery_id, delivery_line_no). A complaint or a survey names a
    delivery, not a line: joined to every line of a delivery of several lines, it would be counted once per line. -#}
{% macro first_line_of_deliveries(relation, delivery_ids) -%}
    select numbered.*
    from (
        select
            lines.*,
            row_number() over (partition by lines.delivery_id order by lines.delivery_line_no) as line_rank
        from {{ relation }} as lines
        where lines.delivery_id in ({{ delivery_ids }})
    ) as numbered
    where numbered.line_rank = 1
{%- endmacro %}
