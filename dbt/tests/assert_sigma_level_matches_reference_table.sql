{{ config(meta={"dagster": {"asset_key": ["reporting", "quality_scorecard_monthly"]}}) }}
-- Short-term sigma (1.5σ shift) against the reference DPMO table (quality-domain.md §1.3):
-- 3.4 → 6σ, 233 → 5σ, 6,210 → 4σ, 66,807 → 3σ, 308,538 → 2σ, 691,462 → 1σ. Returns the rows that miss.
with reference as (
    select 3.4 as dpmo, 6.0 as expected_sigma
    union all select 233, 5.0
    union all select 6210, 4.0
    union all select 66807, 3.0
    union all select 308538, 2.0
    union all select 691462, 1.0
),

computed as (
    select
        dpmo,
        expected_sigma,
        {{ sigma_level_st_shift15('dpmo') }} as sigma_level
    from reference
)

select * from computed
where abs(sigma_level - expected_sigma) > 0.001 or sigma_level is null
