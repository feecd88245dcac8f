with source as (
    select * from {{ source('erp', 'erp_pa0001') }}
),

ranked as (
    select
        *,
        row_number() over (partition by pernr order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        pernr as employee_id,
        nullif(ename, '') as employee_name,
        nullif(orgeh, '') as team_name,
        nullif(zz_team_type, '') as team_type,
        nullif(plans, '') as job_role,
        nullif(werks, '') as plant_id,
        nullif(zz_arbpl, '') as line_id,
        {{ sap_date('begda') }} as hired_date,
        {{ sap_date('endda') }} as left_date,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
