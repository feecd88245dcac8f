with source as (
    select * from {{ source('erp', 'erp_qmur') }}
),

ranked as (
    select
        *,
        row_number() over (partition by qmnum, fenum, urnum order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        qmnum as notification_id,
        fenum as defect_item,
        urnum as cause_no,
        nullif(urkat, '') as catalog_type,
        urgrp as cause_code_group,
        urcod as cause_code,
        nullif(urtxt, '') as cause_text,
        zz_why_count as why_steps,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
