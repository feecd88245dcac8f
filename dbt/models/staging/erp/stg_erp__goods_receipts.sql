with source as (
    select * from {{ source('erp', 'erp_mseg') }}
),

ranked as (
    select
        *,
        row_number() over (partition by mblnr, zeile order by aedat desc, _loaded_at desc) as version_rank
    from source
),

renamed as (
    select
        mblnr as material_document_id,
        zeile as material_document_item,
        nullif(mjahr, '') as document_year,
        nullif(bwart, '') as movement_type,
        nullif(ebeln, '') as purchase_order_id,
        nullif(ebelp, '') as purchase_order_item,
        lifnr as supplier_id,
        matnr as product_id,
        nullif(werks, '') as plant_id,
        nullif(charg, '') as batch_id,
        menge as received_qty,
        zz_accepted_qty as accepted_qty,
        zz_rejected_qty as rejected_qty,
        zz_po_qty as ordered_qty,
        {{ sap_date('eindt') }} as promised_date,
        {{ sap_date('budat') }} as received_date,
        nullif(prueflos, '') as inspection_lot_id,
        {{ sap_date('aedat') }} as changed_date
    from ranked
    where version_rank = 1
)

select * from renamed
