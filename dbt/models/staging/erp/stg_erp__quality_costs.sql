with source as (
    select * from {{ source('erp', 'erp_qcost') }}
),

ranked as (
    select
        *,
        row_number() over (partition by belnr, buzei order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        belnr as document_id,
        buzei as document_line,
        {{ sap_date('budat') }} as posting_date,
        nullif(werks, '') as plant_id,
        nullif(kstar, '') as cost_element,
        zz_coq_cat as coq_category,
        wrbtr as amount,
        nullif(waers, '') as currency,
        nullif(zz_ref_type, '') as source_reference_type,
        nullif(zz_ref_id, '') as source_reference_id,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
