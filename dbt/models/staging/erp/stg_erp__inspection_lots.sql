with source as (
    select * from {{ source('erp', 'erp_qals') }}
),

ranked as (
    select
        *,
        row_number() over (partition by prueflos order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        prueflos as inspection_lot_id,
        werk as plant_id,
        art as inspection_type_code,
        matnr as product_id,
        nullif(charg, '') as batch_id,
        nullif(lifnr, '') as supplier_id,
        nullif(arbpl, '') as line_id,
        losmenge as lot_qty,
        gesstichpr as sample_qty,
        coalesce(lmengepr, gesstichpr) as inspected_qty,
        coalesce(lmengesch, 0) as defective_qty,
        coalesce(anzfehler, 0) as defect_count,
        {{ sap_date('enstehdat') }} as lot_created_date,
        {{ sap_date('pastrterm') }} as inspection_start_date,
        {{ sap_date('paendterm') }} as inspection_end_date,
        nullif(vbewertung, '') as usage_decision_valuation,
        {{ sap_date('vdatum') }} as usage_decision_date
    from ranked
    where version_rank = 1
)

select * from renamed
