-- One row per case with the first time it reached each milestone of the complaint process
-- (receive → classify → analyse → handle → notify → close), the first response (the CRM's First Response
-- milestone completed; the classification when the CRM records no milestone) and how often it was reopened.
with cases as (
    select * from {{ ref('stg_crm__cases') }}
),

history as (
    select * from {{ ref('stg_crm__case_history') }}
),

statuses as (
    select * from {{ ref('seed_case_statuses') }}
),

first_responses as (
    select
        case_id,
        min(completed_at) as first_response_at
    from {{ ref('stg_crm__case_milestones') }}
    where milestone_name = 'First Response' and completed_at is not null
    group by case_id
),

reached as (
    select
        history.case_id,
        cast(sum(case when statuses.milestone = 'reopened' then 1 else 0 end) as bigint) as reopen_count,
        min(case when statuses.milestone = 'classified' then history.changed_at end) as classified_at,
        min(case when statuses.milestone = 'analysed' then history.changed_at end) as analysed_at,
        min(case when statuses.milestone = 'handled' then history.changed_at end) as resolved_at,
        min(case when statuses.milestone = 'notified' then history.changed_at end) as customer_notified_at,
        min(case when statuses.milestone = 'closed' then history.changed_at end) as first_closed_at,
        max(case when statuses.milestone = 'closed' then history.changed_at end) as last_closed_at,
        count(*) as status_change_count
    from history
    left join statuses on history.new_status = statuses.status
    group by history.case_id
),

joined as (
    select
        cases.*,
        reached.classified_at,
        coalesce(first_responses.first_response_at, reached.classified_at) as first_response_at,
        reached.analysed_at,
        reached.resolved_at,
        reached.customer_notified_at,
        reached.first_closed_at,
        reached.last_closed_at,
        coalesce(reached.reopen_count, 0) as reopen_count,
        coalesce(reached.status_change_count, 0) as status_change_count
    from cases
    left join reached on cases.case_id = reached.case_id
    left join first_responses on cases.case_id = first_responses.case_id
)

select * from joined
