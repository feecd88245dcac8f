-- Latest version of each case SLA milestone (Salesforce CaseMilestone).
with source as (
    select * from {{ source('crm', 'crm_case_milestones') }}
),

ranked as (
    select
        *,
        row_number() over (partition by id order by system_modstamp desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        id as case_milestone_id,
        case_id,
        milestone_type_name as milestone_name,
        start_date as started_at,
        target_date as target_at,
        completion_date as completed_at,
        target_response_in_hrs as target_hours,
        system_modstamp as modified_at,
        coalesce(is_completed, false) as is_completed,
        coalesce(is_violated, false) as is_violated
    from ranked
    where version_rank = 1
)

select * from renamed
