-- One row per RMA line (grain = rma_id × rma_item) with the shipment it returns, its reason (quality defect,
-- transit damage, wrong item, recall), disposition (rework = repair, scrap, restock) and the lag from ship and
-- delivery to the return, which feeds the ship-month cohort return and repair rates.
with returns as (
    select * from {{ ref('stg_erp__returns') }}
),

reasons as (
    select * from {{ ref('seed_return_reasons') }}
),

shipments as (
    select * from {{ ref('fct_shipments') }}
),

products as (
    select * from {{ ref('dim_product') }}
),

shipment_lines as (
    select
        shipments.*,
        products.product_id
    from shipments
    left join products on shipments.product_key = products.product_key
),

-- the delivery line a return line comes back from: the RMA names the delivery (VGBEL), not its line, so the line is
-- found by product; where a delivery split a product over several lines (one per batch, say) the return's batch
-- decides, and failing that the first such line, so that a return line is never counted twice
returned_lines as (
    select
        returns.rma_id,
        returns.rma_item,
        shipment_lines.shipment_key,
        shipment_lines.customer_key,
        shipment_lines.goods_issue_date,
        shipment_lines.delivered_date,
        row_number() over (
            partition by returns.rma_id, returns.rma_item
            order by
                case when shipment_lines.batch_id = returns.batch_id then 0 else 1 end,
                shipment_lines.delivery_line_no
        ) as match_rank
    from returns
    inner join shipment_lines
        on returns.delivery_id = shipment_lines.delivery_id
            and returns.product_id = shipment_lines.product_id
),

batches as (
    select * from {{ ref('dim_batch') }}
),

return_products as (
    select * from {{ ref('dim_product') }}
),

joined as (
    select
        {{ surrogate_key(['returns.rma_id', 'returns.rma_item']) }} as return_key,
        returns.rma_id,
        returns.rma_item,
        returns.delivery_id,
        coalesce(returned_lines.shipment_key, '-1') as shipment_key,
        coalesce(returned_lines.customer_key, '-1') as customer_key,
        coalesce(return_products.product_key, '-1') as product_key,
        coalesce(batches.batch_key, '-1') as batch_key,
        returns.customer_number,
        returns.batch_id,
        returns.case_id,
        returns.return_reason_code,
        coalesce(reasons.return_reason_name, 'Unknown') as return_reason_name,
        coalesce(reasons.is_quality_defect, false) as is_quality_defect,
        coalesce(reasons.is_recall, false) as is_recall,
        returns.disposition,
        coalesce(returns.disposition = 'REWORK', false) as is_repair,
        returns.created_date as return_date,
        returned_lines.goods_issue_date as shipped_date,
        returned_lines.delivered_date,
        cast(returns.return_qty as {{ type_double() }}) as return_qty
    from returns
    left join reasons on returns.return_reason_code = reasons.return_reason_code
    left join returned_lines
        on returns.rma_id = returned_lines.rma_id
            and returns.rma_item = returned_lines.rma_item
            and returned_lines.match_rank = 1
    left join return_products
        on returns.product_id = return_products.product_id
            and returns.created_date >= return_products.valid_from
            and returns.created_date < return_products.valid_to
    left join batches on returns.batch_id = batches.batch_id
),

final as (
    select
        *,
        case
            when shipped_date is not null
                then cast({{ days_between('shipped_date', 'return_date') }} as integer)
        end as days_ship_to_return,
        case
            when delivered_date is not null
                then cast({{ days_between('delivered_date', 'return_date') }} as integer)
        end as days_delivery_to_return
    from joined
)

select * from final
