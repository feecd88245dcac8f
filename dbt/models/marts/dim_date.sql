-- One row per calendar day, 2015-01-01 to 2035-12-31.
with days as (
    select cast(day_series.day_ts as date) as date_day
    from generate_series(
            cast('2015-01-01' as timestamp),
            cast('2035-12-31' as timestamp),
            interval '1 day'
        ) as day_series (day_ts)
),

holidays as (
    select holiday_date from {{ ref('seed_holidays') }}
    where calendar_id = 'US'
),

attributes as (
    select
        cast(extract(year from date_day) * 10000 + extract(month from date_day) * 100 + extract(day from date_day) as integer) as date_key,
        date_day,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(year from date_day) * 100 + extract(month from date_day) as integer) as month_key,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast(extract(week from date_day) as integer) as iso_week,
        cast(extract(isodow from date_day) as integer) as iso_day_of_week,
        extract(isodow from date_day) in (6, 7) as is_weekend,
        holidays.holiday_date is not null as is_holiday,
        extract(isodow from date_day) not in (6, 7) and holidays.holiday_date is null as is_business_day
    from days
    left join holidays on days.date_day = holidays.holiday_date
)

select * from attributes
