with source as (
    select * from {{ source('erp', 'erp_capa') }}
),

ranked as (
    select
        *,
        row_number() over (partition by capa_id order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        capa_id,
        qmnum as notification_id,
        nullif(case_type, '') as capa_type,
        nullif(pernr, '') as owner_employee_id,
        {{ sap_date('erdat') }} as opened_date,
        {{ sap_date('due_date') }} as due_date,
        {{ sap_date('plan_end') }} as plan_completed_date,
        {{ sap_date('do_end') }} as do_completed_date,
        {{ sap_date('check_end') }} as check_completed_date,
        {{ sap_date('act_end') }} as act_completed_date,
        nullif(phase, '') as current_phase,
        nullif(effectiveness, '') as effectiveness_result,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
