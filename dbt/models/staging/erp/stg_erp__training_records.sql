with source as (
    select * from {{ source('erp', 'erp_training') }}
),

ranked as (
    select
        *,
        row_number() over (partition by pernr, course_id, begda order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        pernr as employee_id,
        course_id,
        nullif(course_title, '') as course_title,
        nullif(course_cat, '') as course_category,
        coalesce(required = 'X', false) as is_required,
        {{ sap_date('begda') }} as completed_date,
        hours as training_hours,
        score,
        coalesce(passed = 'X', false) as is_passed,
        {{ sap_date('endda') }} as valid_until_date,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
