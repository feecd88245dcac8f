with source as (
    select * from {{ source('erp', 'erp_qmsm') }}
),

ranked as (
    select
        *,
        row_number() over (partition by qmnum, manum order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        qmnum as notification_id,
        manum as task_no,
        nullif(zz_capa_id, '') as capa_id,
        nullif(mnkat, '') as catalog_type,
        nullif(mngrp, '') as task_code_group,
        mncod as task_code,
        nullif(matxt, '') as task_text,
        nullif(parnr, '') as responsible_employee_id,
        nullif(zz_pdca_phase, '') as pdca_phase,
        nullif(zz_lever, '') as preventive_lever,
        {{ sap_date('pster') }} as planned_start_date,
        {{ sap_date('peter') }} as due_date,
        {{ sap_date('erldat') }} as completed_date,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
