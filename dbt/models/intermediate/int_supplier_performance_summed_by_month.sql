-- Additive supplier performance counts per month × supplier (grain = month_start × supplier_id): incoming
-- inspection (lots, inspected and defective units), goods receipts against the PO (on time, in full, OTIF)
-- and SCARs (issued, due, answered within target, open at month end, response days). Reporting marts sum
-- these and compute the rates and scores (ratio of sums, never an average of monthly rates).
with lots as (
    select * from {{ ref('fct_inspection_lots') }}
    where inspection_stage = 'incoming' and supplier_id is not null
),

receipts as (
    select * from {{ ref('fct_supplier_receipts') }}
),

scars as (
    select * from {{ ref('int_supplier_corrective_actions_from_notifications') }}
),

inspection as (
    select
        cast({{ dbt.date_trunc('month', 'lot_created_date') }} as date) as month_start,
        supplier_id,
        count(*) as lots_inspected,
        sum(case when has_usage_decision then 1 else 0 end) as lots_decided,
        sum(case when is_accepted then 1 else 0 end) as lots_accepted,
        sum(inspected_qty) as inspected_units,
        sum(defective_qty) as defective_units,
        sum(lot_qty) as received_units
    from lots
    group by cast({{ dbt.date_trunc('month', 'lot_created_date') }} as date), supplier_id
),

delivery as (
    select
        cast({{ dbt.date_trunc('month', 'received_date') }} as date) as month_start,
        supplier_id,
        count(*) as receipt_lines,
        sum(case when promised_date is not null then 1 else 0 end) as receipt_lines_with_promise,
        sum(case when is_on_time then 1 else 0 end) as on_time_lines,
        sum(case when is_in_full then 1 else 0 end) as in_full_lines,
        sum(case when is_otif then 1 else 0 end) as otif_lines
    from receipts
    group by cast({{ dbt.date_trunc('month', 'received_date') }} as date), supplier_id
),

months as (
    select distinct month_start from inspection
    union
    select distinct month_start from delivery
),

scar_issued as (
    select
        cast({{ dbt.date_trunc('month', 'issued_date') }} as date) as month_start,
        supplier_id,
        count(*) as scars_issued
    from scars
    group by cast({{ dbt.date_trunc('month', 'issued_date') }} as date), supplier_id
),

scar_due as (
    select
        cast({{ dbt.date_trunc('month', 'target_date') }} as date) as month_start,
        supplier_id,
        count(*) as scars_due,
        sum(case when closed_date is not null and closed_date <= target_date then 1 else 0 end) as scars_answered_on_time
    from scars
    group by cast({{ dbt.date_trunc('month', 'target_date') }} as date), supplier_id
),

scar_closed as (
    select
        cast({{ dbt.date_trunc('month', 'closed_date') }} as date) as month_start,
        supplier_id,
        count(*) as scars_closed,
        sum(response_days) as scar_response_days
    from scars
    where closed_date is not null
    group by cast({{ dbt.date_trunc('month', 'closed_date') }} as date), supplier_id
),

scar_open as (
    select
        months.month_start,
        scars.supplier_id,
        count(*) as scars_open_eom
    from months
    inner join scars
        on scars.issued_date < cast({{ dbt.dateadd('month', 1, 'months.month_start') }} as date)
            and (scars.closed_date is null or scars.closed_date >= cast({{ dbt.dateadd('month', 1, 'months.month_start') }} as date))
    group by months.month_start, scars.supplier_id
),

spine as (
    select
        month_start,
        supplier_id
    from inspection
    union
    select
        month_start,
        supplier_id
    from delivery
    union
    select
        month_start,
        supplier_id
    from scar_issued
    union
    select
        month_start,
        supplier_id
    from scar_due
    union
    select
        month_start,
        supplier_id
    from scar_closed
    union
    select
        month_start,
        supplier_id
    from scar_open
),

final as (
    select
        spine.month_start,
        spine.supplier_id,
        coalesce(inspection.lots_inspected, 0) as lots_inspected,
        coalesce(inspection.lots_decided, 0) as lots_decided,
        coalesce(inspection.lots_accepted, 0) as lots_accepted,
        coalesce(inspection.inspected_units, 0) as inspected_units,
        coalesce(inspection.defective_units, 0) as defective_units,
        coalesce(inspection.received_units, 0) as received_units,
        coalesce(delivery.receipt_lines, 0) as receipt_lines,
        coalesce(delivery.receipt_lines_with_promise, 0) as receipt_lines_with_promise,
        coalesce(delivery.on_time_lines, 0) as on_time_lines,
        coalesce(delivery.in_full_lines, 0) as in_full_lines,
        coalesce(delivery.otif_lines, 0) as otif_lines,
        coalesce(scar_issued.scars_issued, 0) as scars_issued,
        coalesce(scar_due.scars_due, 0) as scars_due,
        coalesce(scar_due.scars_answered_on_time, 0) as scars_answered_on_time,
        coalesce(scar_closed.scars_closed, 0) as scars_closed,
        coalesce(scar_closed.scar_response_days, 0) as scar_response_days,
        coalesce(scar_open.scars_open_eom, 0) as scars_open_eom
    from spine
    left join inspection on spine.month_start = inspection.month_start and spine.supplier_id = inspection.supplier_id
    left join delivery on spine.month_start = delivery.month_start and spine.supplier_id = delivery.supplier_id
    left join scar_issued on spine.month_start = scar_issued.month_start and spine.supplier_id = scar_issued.supplier_id
    left join scar_due on spine.month_start = scar_due.month_start and spine.supplier_id = scar_due.supplier_id
    left join scar_closed on spine.month_start = scar_closed.month_start and spine.supplier_id = scar_closed.supplier_id
    left join scar_open on spine.month_start = scar_open.month_start and spine.supplier_id = scar_open.supplier_id
)

select * from final
