with source as (
    select * from {{ source('erp', 'erp_qase') }}
),

ranked as (
    select
        *,
        row_number() over (partition by prueflos, merknr, probenr, detailerg order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        prueflos as inspection_lot_id,
        nullif(vorglfnr, '') as operation_id,
        merknr as characteristic_id,
        nullif(zz_merktxt, '') as characteristic_name,
        probenr as subgroup_id,
        detailerg as result_no,
        messwert as measured_value,
        nullif(mbewertg, '') as valuation,
        {{ sap_date('pruefdatuv') }} as measured_date,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
