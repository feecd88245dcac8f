-- Each complaint stage measured in business minutes of the service desk's calendar (only opening hours on
-- business days count): received → first response, the process stages received → classified → analysed →
-- resolved → notified, and received → resolved as a whole.
--
-- Closed form, one lookup per moment instead of one row per day a stage spans: every moment gets its
-- position on the calendar's business clock (the business seconds of all earlier days plus the open
-- seconds of its own day up to it), and a stage lasts position(end) − position(start). Only the days
-- dim_date holds count, as when stages were expanded over dim_date's business days.
with complaints as (
    select * from {{ ref('int_cases_pivoted_to_milestones') }}
),

calendar as (
    select * from {{ ref('seed_business_calendars') }}
    where calendar_id = 'US'
),

-- the business seconds of each day
day_seconds as (
    select
        dates.date_day,
        dates.is_business_day,
        case
            when dates.is_business_day
                then {{ dbt.datediff('(dates.date_day + calendar.open_time)', '(dates.date_day + calendar.close_time)', 'second') }}
            else 0
        end as business_seconds
    from {{ ref('dim_date') }} as dates
    cross join calendar
),

-- and of all the days before it
days as (
    select
        date_day,
        is_business_day,
        sum(business_seconds) over (order by date_day rows between unbounded preceding and current row)
        - business_seconds as business_seconds_before
    from day_seconds
),

span as (
    select
        min(date_day) as first_day,
        sum(business_seconds) as business_seconds_in_all
    from day_seconds
),

moments as (
    select
        case_id,
        'received' as moment,
        created_at as happened_at
    from complaints
    union all
    select
        case_id,
        'classified' as moment,
        classified_at as happened_at
    from complaints
    union all
    select
        case_id,
        'first_response' as moment,
        first_response_at as happened_at
    from complaints
    union all
    select
        case_id,
        'analysed' as moment,
        analysed_at as happened_at
    from complaints
    union all
    select
        case_id,
        'resolved' as moment,
        resolved_at as happened_at
    from complaints
    union all
    select
        case_id,
        'notified' as moment,
        customer_notified_at as happened_at
    from complaints
),

local_moments as (
    select
        moments.case_id,
        moments.moment,
        calendar.open_time,
        calendar.close_time,
        cast(moments.happened_at at time zone calendar.timezone as timestamp) as happened_local
    from moments
    cross join calendar
    where moments.happened_at is not null
),

-- seconds on the business clock; a moment on a day dim_date does not hold sits before its first day or
-- after its last
positioned as (
    select
        local_moments.case_id,
        local_moments.moment,
        case
            when days.date_day is null and cast(local_moments.happened_local as date) < span.first_day then 0
            when days.date_day is null then span.business_seconds_in_all
            when days.is_business_day
                then days.business_seconds_before + {{ dbt.datediff(
                    '(days.date_day + local_moments.open_time)',
                    'least(greatest(local_moments.happened_local, days.date_day + local_moments.open_time), days.date_day + local_moments.close_time)',
                    'second'
                ) }}
            else days.business_seconds_before
        end as business_second
    from local_moments
    cross join span
    left join days on cast(local_moments.happened_local as date) = days.date_day
),

clock as (
    select
        case_id,
        max(case when moment = 'received' then business_second end) as received_s,
        max(case when moment = 'classified' then business_second end) as classified_s,
        max(case when moment = 'first_response' then business_second end) as first_response_s,
        max(case when moment = 'analysed' then business_second end) as analysed_s,
        max(case when moment = 'resolved' then business_second end) as resolved_s,
        max(case when moment = 'notified' then business_second end) as notified_s
    from positioned
    group by case_id
),

-- a stage that has ended is measured (one that ends before it starts lasts 0); one that has not is null
measured as (
    select
        complaints.case_id,
        case
            when complaints.classified_at is not null
                then coalesce(greatest(clock.classified_s - clock.received_s, 0), 0) / 60.0
        end as bmin_to_classify,
        case
            when complaints.resolved_at is not null
                then coalesce(greatest(clock.resolved_s - clock.received_s, 0), 0) / 60.0
        end as bmin_to_resolve,
        case
            when complaints.customer_notified_at is not null
                then coalesce(greatest(clock.notified_s - clock.resolved_s, 0), 0) / 60.0
        end as bmin_resolve_to_notify,
        case
            when complaints.first_response_at is not null
                then coalesce(greatest(clock.first_response_s - clock.received_s, 0), 0) / 60.0
        end as bmin_to_first_response,
        case
            when complaints.classified_at is not null and complaints.analysed_at is not null
                then coalesce(greatest(clock.analysed_s - clock.classified_s, 0), 0) / 60.0
        end as bmin_classify_to_analyse,
        case
            when complaints.analysed_at is not null and complaints.resolved_at is not null
                then coalesce(greatest(clock.resolved_s - clock.analysed_s, 0), 0) / 60.0
        end as bmin_analyse_to_resolve
    from complaints
    left join clock on complaints.case_id = clock.case_id
)

select * from measured
