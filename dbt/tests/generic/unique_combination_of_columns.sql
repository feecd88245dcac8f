{#- A compound natural key: no two rows share the same values in all of these columns (the test
    dbt_utils offers; no dbt packages here). Returns one row per duplicated key. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as duplicate_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
