{#- Standard normal CDF Φ(x), portable SQL (PostgreSQL 15 has no erf): Zelen & Severo / Abramowitz-Stegun 26.2.17,
    absolute error < 7.5e-8. -#}
{% macro norm_cdf(x) -%}
    {%- set t = "(1.0 / (1.0 + 0.2316419 * abs(" ~ x ~ ")))" -%}
    {%- set tail = "(exp(-0.5 * (" ~ x ~ ") * (" ~ x ~ ")) / 2.5066282746310002 * " ~ t ~ " * (0.319381530 + " ~ t ~ " * (-0.356563782 + " ~ t ~ " * (1.781477937 + " ~ t ~ " * (-1.821255978 + " ~ t ~ " * 1.330274429)))))" -%}
    case when ({{ x }}) is null then null when ({{ x }}) >= 0 then 1.0 - {{ tail }} else {{ tail }} end
{%- endmacro %}

{#- χ²_p(df) / df by the Wilson-Hilferty approximation, z = Φ⁻¹(p): (1 − 2/(9df) + z·sqrt(2/(9df)))³.
    Used for the confidence interval of Cp / Pp: Cp·sqrt(χ²_{α/2}/df) … Cp·sqrt(χ²_{1−α/2}/df). -#}
{% macro chi2_quantile_over_df(z, df) -%}
    case when ({{ df }}) > 0 then power(1.0 - 2.0 / (9.0 * ({{ df }})) + ({{ z }}) * sqrt(2.0 / (9.0 * ({{ df }}))), 3) end
{%- endmacro %}
