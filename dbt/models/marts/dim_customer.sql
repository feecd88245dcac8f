-- Type-2 customer dimension (grain = account_id × valid_from), plus the unknown member '-1'.
-- Two sources of history are merged:
--   * the dbt snapshot of the CRM account (snp_crm__accounts) holds every version a load saw, dated by the CRM's
--     modification stamp: it is the only history of tier, region, industry and country;
--   * the CRM's field history dates every segment change exactly, including changes made before the first load
--     or between two loads, which no snapshot can see.
-- A version starts at every date either source has; attributes are taken as of that date from each source (the
-- segment from the field history where the account has one, else from the snapshot), and a date that changes no
-- attribute (a modification of an untracked field, or the snapshot seeing a segment change the history already
-- dated) opens no version. The first version of each account is valid from 1900-01-01, so that history loaded on
-- day one finds it.
with snapshot_versions as (
    select
        account_id,
        customer_id,
        segment,
        tier,
        region,
        industry,
        country,
        {{ snapshot_validity('account_id') }}
    from {{ ref('snp_crm__accounts') }}
),

segment_versions as (
    select * from {{ ref('int_customer_versions_built_from_history') }}
),

accounts_with_segment_history as (
    select distinct account_id
    from {{ ref('stg_crm__account_history') }}
    where field_name = 'Segment__c'
),

change_dates as (
    select
        account_id,
        valid_from
    from snapshot_versions
    union
    select
        account_id,
        valid_from
    from segment_versions
),

attributes_as_of_change as (
    select
        change_dates.account_id,
        change_dates.valid_from,
        snapshot_versions.customer_id,
        case
            when accounts_with_segment_history.account_id is not null then segment_versions.segment
            else snapshot_versions.segment
        end as segment,
        snapshot_versions.tier,
        snapshot_versions.region,
        snapshot_versions.industry,
        snapshot_versions.country
    from change_dates
    inner join snapshot_versions
        on
            change_dates.account_id = snapshot_versions.account_id
            and change_dates.valid_from >= snapshot_versions.valid_from
            and change_dates.valid_from < snapshot_versions.valid_to
    left join segment_versions
        on
            change_dates.account_id = segment_versions.account_id
            and change_dates.valid_from >= segment_versions.valid_from
            and change_dates.valid_from < segment_versions.valid_to
    left join accounts_with_segment_history
        on change_dates.account_id = accounts_with_segment_history.account_id
),

with_previous as (
    select
        *,
        row_number() over (partition by account_id order by valid_from) as change_no,
        lag(customer_id) over (partition by account_id order by valid_from) as previous_customer_id,
        lag(segment) over (partition by account_id order by valid_from) as previous_segment,
        lag(tier) over (partition by account_id order by valid_from) as previous_tier,
        lag(region) over (partition by account_id order by valid_from) as previous_region,
        lag(industry) over (partition by account_id order by valid_from) as previous_industry,
        lag(country) over (partition by account_id order by valid_from) as previous_country
    from attributes_as_of_change
),

flagged as (
    select
        *,
        (
            change_no = 1
            or previous_customer_id is distinct from customer_id
            or previous_segment is distinct from segment
            or previous_tier is distinct from tier
            or previous_region is distinct from region
            or previous_industry is distinct from industry
            or previous_country is distinct from country
        ) as opens_version
    from with_previous
),

versioned as (
    select
        {{ surrogate_key(['account_id', 'valid_from']) }} as customer_key,
        customer_id,
        account_id,
        segment,
        tier,
        region,
        industry,
        country,
        valid_from,
        coalesce(
            lead(valid_from) over (partition by account_id order by valid_from),
            cast('9999-12-31 00:00:00+00' as {{ type_timestamptz() }})
        ) as valid_to
    from flagged
    where opens_version
),

unknown_member as (
    select
        '-1' as customer_key,
        '-1' as customer_id,
        '-1' as account_id,
        'Unknown' as segment,
        'Unknown' as tier,
        'Unknown' as region,
        'Unknown' as industry,
        'Unknown' as country,
        cast('1900-01-01 00:00:00+00' as {{ type_timestamptz() }}) as valid_from,
        cast('9999-12-31 00:00:00+00' as {{ type_timestamptz() }}) as valid_to
),

final as (
    select
        *,
        valid_to >= cast('9999-01-01 00:00:00+00' as {{ type_timestamptz() }}) as is_current
    from versioned
    union all
    select
        *,
        true as is_current
    from unknown_member
)

select * from final
