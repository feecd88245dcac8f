{#- A key: present in every row and shared by no two rows. One pass over the model instead of a unique and a
    not-null test per key column, each of which was a node of the build, a query and a Dagster asset check.
    On a column (`data_tests: [unique_and_not_null]`) or on the model for a compound key
    (`unique_and_not_null: {arguments: {columns: [a, b]}}`). Returns one row per missing or repeated key with
    the rows that carry it; a key with a null part is missing even when no other row has it. -#}
{% test unique_and_not_null(model, column_name=none, columns=none) %}
    {%- set key = columns if columns else [column_name] -%}
    {%- set any_part_null -%}
        {% for c in key %}{{ c }} is null{% if not loop.last %} or {% endif %}{% endfor %}
    {%- endset %}
    select
        {{ key | join(', ') }},
        case when {{ any_part_null }} then 'missing' else 'repeated' end as problem,
        count(*) as key_rows
    from {{ model }}
    group by {{ key | join(', ') }}
    having count(*) > 1 or {{ any_part_null }}
{% endtest %}
