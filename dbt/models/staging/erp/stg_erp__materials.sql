with source as (
    select * from {{ source('erp', 'erp_mara') }}
),

ranked as (
    select
        *,
        row_number() over (partition by matnr order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        matnr as product_id,
        maktx as product_name,
        prodh as product_family,
        meins as unit_of_measure,
        werks as plant_id,
        line as line_id,
        target as spec_target,
        lsl as spec_lsl,
        usl as spec_usl,
        opp_per_unit as defect_opportunities_per_unit,
        stprs as standard_cost,
        list_price,
        warranty_months,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
