{#- dbt's safe_cast is a plain cast on DuckDB: use try_cast there, so bad values become null. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- SAP dates arrive as YYYYMMDD text; 00000000 or blank means no date. -#}
{% macro sap_date(column) -%}
    case when {{ column }} is null or {{ column }} in ('', '00000000') then null
         else {{ dbt.safe_cast("substr(" ~ column ~ ", 1, 4) || '-' || substr(" ~ column ~ ", 5, 2) || '-' || substr(" ~ column ~ ", 7, 2)", "date") }}
    end
{%- endmacro %}

{#- A local wall-clock timestamp (text) in an IANA zone given by an expression, as UTC timestamptz. -#}
{% macro local_to_utc(ts_text, zone_expr) -%}
    (cast({{ ts_text }} as timestamp) at time zone {{ zone_expr }})
{%- endmacro %}

{#- Day difference between two dates, as a bigint on every adapter (PostgreSQL's date - date is an integer). -#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- Hours between two timestamps, fractional. -#}
{% macro hours_between(start_ts, end_ts) -%}
    ({{ dbt.datediff(start_ts, end_ts, 'second') }} / 3600.0)
{%- endmacro %}

{#- Portable type names (DuckDB and PostgreSQL read both the same way). dbt's type_float is a 4-byte REAL on DuckDB. -#}
{% macro type_double() -%}double precision{%- endmacro %}
{% macro type_timestamptz() -%}timestamp with time zone{%- endmacro %}
