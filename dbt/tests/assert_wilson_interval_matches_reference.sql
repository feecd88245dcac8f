{{ config(meta={"dagster": {"asset_key": ["reporting", "customer_satisfaction_monthly"]}}) }}
-- The Wilson score interval macros (z = 1.96) against reference values computed independently
-- (quality-domain.md §1: p̂ + z²/2n ± z·sqrt(p̂(1−p̂)/n + z²/4n²), over 1 + z²/n), including the edges:
-- k = 0 gives a lower bound of exactly 0, k = n an upper bound of exactly 1, n = 0 and k > n give null.
-- Returns the rows that miss by more than 1e-6.
with reference as (
    select 0 as k, 10 as n, 0.0 as expected_low, 0.277540 as expected_high
    union all select 1, 10, 0.017876, 0.404156
    union all select 5, 10, 0.236590, 0.763410
    union all select 9, 10, 0.595844, 0.982124
    union all select 10, 10, 0.722460, 1.0
    union all select 81, 263, 0.255288, 0.366211
    union all select 0, 1, 0.0, 0.793457
    union all select 1, 1, 0.206543, 1.0
    union all select 3, 30, 0.034599, 0.256214
    union all select 450, 500, 0.870577, 0.923323
),

computed as (
    select
        k,
        n,
        expected_low,
        expected_high,
        {{ wilson_low('k', 'n') }} as ci_low,
        {{ wilson_high('k', 'n') }} as ci_high
    from reference
),

empty_sample as (
    select
        {{ wilson_low('0', '0') }} as ci_low,
        {{ wilson_high('0', '0') }} as ci_high,
        {{ safe_ratio('0', '0') }} as rate
    union all
    select
        {{ wilson_low('11', '10') }} as ci_low,
        {{ wilson_high('11', '10') }} as ci_high,
        cast(null as {{ type_double() }}) as rate
)

select
    'reference' as check_name,
    k,
    n,
    ci_low,
    ci_high
from computed
where
    ci_low is null or ci_high is null
    or abs(ci_low - expected_low) > 0.000001
    or abs(ci_high - expected_high) > 0.000001
    or (k = 0 and ci_low <> 0) or (k = n and ci_high <> 1)
union all
select
    'null when n = 0 or k > n' as check_name,
    0 as k,
    0 as n,
    ci_low,
    ci_high
from empty_sample
where ci_low is not null or ci_high is not null or rate is not null
