{#- The Qualtrics response statuses of real responses, as an SQL list: 0 normal, 4 imported, 16 offline. Previews,
    tests and spam (1, 2, 8, 9, 12, 17) are not responses. -#}
{% macro valid_survey_statuses() -%}
    ('0', '4', '16')
{%- endmacro %}
