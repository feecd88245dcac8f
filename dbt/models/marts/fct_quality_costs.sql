-- One row per cost posting classified to a cost-of-quality category (grain = document_id × document_line):
-- prevention, appraisal, internal failure, external failure.
with costs as (
    select * from {{ ref('stg_erp__quality_costs') }}
),

final as (
    select
        {{ surrogate_key(['document_id', 'document_line']) }} as quality_cost_key,
        document_id,
        document_line,
        posting_date,
        plant_id,
        cost_element,
        lower(coq_category) as coq_category,
        lower(coq_category) in ('internal_failure', 'external_failure') as is_poor_quality_cost,
        amount,
        currency,
        source_reference_type,
        source_reference_id
    from costs
)

select * from final
