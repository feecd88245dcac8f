{#- Validity of a type-2 version read from a dbt snapshot: the first version of each key is valid from
    1900-01-01 (so history loaded on day one finds it), the current one until 9999-12-31. -#}
{% macro snapshot_validity(unique_key) -%}
        case
            when row_number() over (partition by {{ unique_key }} order by dbt_valid_from) = 1
                then cast('1900-01-01 00:00:00+00' as {{ type_timestamptz() }})
            else cast(dbt_valid_from as {{ type_timestamptz() }})
        end as valid_from,
        cast(dbt_valid_to as {{ type_timestamptz() }}) as valid_to,
        cast(dbt_valid_to as date) >= cast('9999-01-01' as date) as is_current
{%- endmacro %}
