{#- Supplier scorecard scores on 0-100 from summed counts (quality-domain.md §1.8; weights and bands are company
    configuration in seed_supplier_scorecard_config, pivoted into a relation aliased `config`):
    quality = 100 × (1 − min(1, incoming PPM / ppm_at_zero_quality_score)), delivery = 100 × OTIF rate,
    responsiveness = 100 × SCARs answered within target / SCARs due (100 when none was due).
    The composite is the weighted mean of the scores that exist (a component without data drops out). -#}
{% macro supplier_quality_score(defective, inspected) -%}
    case when {{ inspected }} > 0 then 100.0 * (1 - least(1.0, 1000000.0 * {{ defective }} / {{ inspected }} / config.ppm_at_zero_quality_score)) end
{%- endmacro %}

{% macro supplier_delivery_score(otif, lines) -%}
    case when {{ lines }} > 0 then 100.0 * {{ otif }} / {{ lines }} end
{%- endmacro %}

{% macro supplier_responsiveness_score(on_time, due) -%}
    case when {{ due }} > 0 then 100.0 * {{ on_time }} / {{ due }} else 100.0 end
{%- endmacro %}

{% macro supplier_composite_score(quality, delivery, responsiveness) -%}
    (
        coalesce(config.weight_quality * ({{ quality }}), 0)
        + coalesce(config.weight_delivery * ({{ delivery }}), 0)
        + coalesce(config.weight_responsiveness * ({{ responsiveness }}), 0)
    ) / nullif(
        case when ({{ quality }}) is not null then config.weight_quality else 0 end
        + case when ({{ delivery }}) is not null then config.weight_delivery else 0 end
        + case when ({{ responsiveness }}) is not null then config.weight_responsiveness else 0 end, 0
    )
{%- endmacro %}

{% macro supplier_grade(score) -%}
    case
        when ({{ score }}) >= config.grade_a_min then 'A'
        when ({{ score }}) >= config.grade_b_min then 'B'
        when ({{ score }}) >= config.grade_c_min then 'C'
        when ({{ score }}) is not null then 'D'
    end
{%- endmacro %}

{#- The scorecard configuration as one row. -#}
{% macro supplier_scorecard_config_row() -%}
    select
        max(case when parameter = 'weight_quality' then value end) as weight_quality,
        max(case when parameter = 'weight_delivery' then value end) as weight_delivery,
        max(case when parameter = 'weight_responsiveness' then value end) as weight_responsiveness,
        max(case when parameter = 'ppm_at_zero_quality_score' then value end) as ppm_at_zero_quality_score,
        max(case when parameter = 'grade_a_min' then value end) as grade_a_min,
        max(case when parameter = 'grade_b_min' then value end) as grade_b_min,
        max(case when parameter = 'grade_c_min' then value end) as grade_c_min
    from {{ ref('seed_supplier_scorecard_config') }}
{%- endmacro %}
