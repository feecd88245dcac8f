with source as (
    select * from {{ source('erp', 'erp_qpcd') }}
),

ranked as (
    select
        *,
        row_number() over (partition by katalogart, codegruppe, code order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        katalogart as catalog_type,
        codegruppe as code_group,
        code,
        nullif(kurztext, '') as code_text,
        nullif(zz_category_6_m, '') as category_6m,
        nullif(zz_lever, '') as preventive_lever,
        coalesce(inaktiv = 'X', false) as is_inactive,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
