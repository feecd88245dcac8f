{#- KPI formulas, defined once (reference: quality-domain.md §1). -#}

{#- Wilson score interval for k successes out of n; null when n = 0 or k is outside [0, n] (not a proportion);
    clamped to [0, 1] against rounding. -#}
{% macro wilson_low(k, n, z=none) -%}
    {%- set z = z or var('z95') -%}
    case when {{ k }} > {{ n }} or {{ k }} < 0 then null
    when {{ n }} > 0 and {{ k }} = 0 then 0.0
    when {{ n }} > 0 then greatest(0.0,
        (({{ k }} * 1.0 / {{ n }}) + {{ z }} * {{ z }} / (2.0 * {{ n }})
         - {{ z }} * sqrt(({{ k }} * 1.0 / {{ n }}) * (1 - {{ k }} * 1.0 / {{ n }}) / {{ n }} + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }})))
        / (1 + {{ z }} * {{ z }} / {{ n }}))
    end
{%- endmacro %}

{% macro wilson_high(k, n, z=none) -%}
    {%- set z = z or var('z95') -%}
    case when {{ k }} > {{ n }} or {{ k }} < 0 then null
    when {{ n }} > 0 and {{ k }} = {{ n }} then 1.0
    when {{ n }} > 0 then least(1.0,
        (({{ k }} * 1.0 / {{ n }}) + {{ z }} * {{ z }} / (2.0 * {{ n }})
         + {{ z }} * sqrt(({{ k }} * 1.0 / {{ n }}) * (1 - {{ k }} * 1.0 / {{ n }}) / {{ n }} + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }})))
        / (1 + {{ z }} * {{ z }} / {{ n }}))
    end
{%- endmacro %}

{#- Ratio as a fraction; null (not 0) when the denominator is 0. -#}
{% macro safe_ratio(num, den) -%}
    case when {{ den }} > 0 then {{ num }} * 1.0 / {{ den }} end
{%- endmacro %}

{#- NPS on -100..100 from promoters, detractors and n. -#}
{% macro nps(promoters, detractors, n) -%}
    case when {{ n }} > 0 then 100.0 * ({{ promoters }} - {{ detractors }}) / {{ n }} end
{%- endmacro %}

{#- Standard error of NPS (points): 100 * sqrt((p + d - (p - d)^2) / n). -#}
{% macro nps_se(promoters, detractors, n) -%}
    case when {{ n }} > 0 then 100.0 * sqrt(
        ({{ promoters }} * 1.0 / {{ n }} + {{ detractors }} * 1.0 / {{ n }}
         - ({{ promoters }} * 1.0 / {{ n }} - {{ detractors }} * 1.0 / {{ n }}) * ({{ promoters }} * 1.0 / {{ n }} - {{ detractors }} * 1.0 / {{ n }}))
        / {{ n }}) end
{%- endmacro %}
