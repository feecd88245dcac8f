-- Each complaint stage measured in business minutes of the service desk's calendar (only opening hours on
-- business days count): received → first response, the process stages received → classified → analysed →
-- resolved → notified, and received → resolved as a whole.
with complaints as (
    select * from {{ ref('int_cases_pivoted_to_milestones') }}
),

calendar as (
    select * from {{ ref('seed_business_calendars') }}
    where calendar_id = 'US'
),

days as (
    select * from {{ ref('dim_date') }}
    where is_business_day
),

stages as (
    select
        case_id,
        'classify' as stage,
        created_at as started_at,
        classified_at as ended_at
    from complaints
    union all
    select
        case_id,
        'resolve' as stage,
        created_at as started_at,
        resolved_at as ended_at
    from complaints
    union all
    select
        case_id,
        'first_response' as stage,
        created_at as started_at,
        first_response_at as ended_at
    from complaints
    union all
    select
        case_id,
        'analyse' as stage,
        classified_at as started_at,
        analysed_at as ended_at
    from complaints
    union all
    select
        case_id,
        'handle' as stage,
        analysed_at as started_at,
        resolved_at as ended_at
    from complaints
    union all
    select
        case_id,
        'notify' as stage,
        resolved_at as started_at,
        customer_notified_at as ended_at
    from complaints
),

local_stages as (
    select
        stages.case_id,
        stages.stage,
        calendar.open_time,
        calendar.close_time,
        cast(stages.started_at at time zone calendar.timezone as timestamp) as started_local,
        cast(stages.ended_at at time zone calendar.timezone as timestamp) as ended_local
    from stages
    cross join calendar
    where stages.started_at is not null and stages.ended_at is not null
),

day_overlaps as (
    select
        local_stages.case_id,
        local_stages.stage,
        greatest(local_stages.started_local, days.date_day + local_stages.open_time) as overlap_start,
        least(local_stages.ended_local, days.date_day + local_stages.close_time) as overlap_end
    from local_stages
    inner join days
        on days.date_day between cast(local_stages.started_local as date) and cast(local_stages.ended_local as date)
),

measured as (
    select
        case_id,
        stage,
        sum(
            case
                when overlap_end > overlap_start
                    then {{ dbt.datediff('overlap_start', 'overlap_end', 'second') }} / 60.0
                else 0
            end
        ) as business_minutes
    from day_overlaps
    group by case_id, stage
),

pivoted as (
    select
        complaints.case_id,
        case
            when complaints.classified_at is not null
                then coalesce(max(case when measured.stage = 'classify' then measured.business_minutes end), 0)
        end as bmin_to_classify,
        case
            when complaints.resolved_at is not null
                then coalesce(max(case when measured.stage = 'resolve' then measured.business_minutes end), 0)
        end as bmin_to_resolve,
        case
            when complaints.customer_notified_at is not null
                then coalesce(max(case when measured.stage = 'notify' then measured.business_minutes end), 0)
        end as bmin_resolve_to_notify,
        case
            when complaints.first_response_at is not null
                then coalesce(max(case when measured.stage = 'first_response' then measured.business_minutes end), 0)
        end as bmin_to_first_response,
        case
            when complaints.classified_at is not null and complaints.analysed_at is not null
                then coalesce(max(case when measured.stage = 'analyse' then measured.business_minutes end), 0)
        end as bmin_classify_to_analyse,
        case
            when complaints.analysed_at is not null and complaints.resolved_at is not null
                then coalesce(max(case when measured.stage = 'handle' then measured.business_minutes end), 0)
        end as bmin_analyse_to_resolve
    from complaints
    left join measured on complaints.case_id = measured.case_id
    group by
        complaints.case_id,
        complaints.first_response_at,
        complaints.classified_at,
        complaints.analysed_at,
        complaints.resolved_at,
        complaints.customer_notified_at
)

select * from pivoted
